package dev.jclip.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records of a JSON-lines metrics file (see {@link MetricsLog}), as rows and as numeric
 * columns. Logs mix kinds of records (training steps, occasional evaluations), so every column
 * view skips the records that lack the key asked for.
 *
 * <p>A value counts as numeric when it is a JSON number or one of the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}. A step must be an integral number.
 */
public final class MetricsTable {
    private static final TypeReference<LinkedHashMap<String, Object>> RECORD = new TypeReference<>() {
    };

    private final List<Map<String, Object>> rows;
    private final int unreadableLines;

    /** A table of already-parsed records (copied). */
    public MetricsTable(List<? extends Map<String, ?>> rows) {
        this(copy(rows), 0);
    }

    private MetricsTable(List<Map<String, Object>> rows, int unreadableLines) {
        this.rows = rows;
        this.unreadableLines = unreadableLines;
    }

    /** Reads a JSON-lines file; blank lines are ignored and lines that are not JSON objects are counted in {@link #unreadableLines()}. */
    public static MetricsTable read(Path file) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        int bad = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> r = parseLine(line);
            if (r == null) {
                bad++;
            } else {
                rows.add(Collections.unmodifiableMap(r));
            }
        }
        return new MetricsTable(Collections.unmodifiableList(rows), bad);
    }

    /** All records in file order, as unmodifiable maps. */
    public List<Map<String, Object>> rows() {
        return rows;
    }

    /** Number of records. */
    public int size() {
        return rows.size();
    }

    /**
     * Lines that could not be read as a JSON object; a run killed mid-write leaves one, more than
     * that suggests a damaged file.
     */
    public int unreadableLines() {
        return unreadableLines;
    }

    /** Every key that occurs in some record, in order of first appearance. */
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        for (Map<String, Object> r : rows) {
            keys.addAll(r.keySet());
        }
        return keys;
    }

    /** Whether some record has a numeric value for {@code key}. */
    public boolean has(String key) {
        for (Map<String, Object> r : rows) {
            if (isNumeric(r.get(key))) {
                return true;
            }
        }
        return false;
    }

    /** The numeric values of {@code key}, in file order, skipping records without one. */
    public double[] column(String key) {
        double[] out = new double[rows.size()];
        int n = 0;
        for (Map<String, Object> r : rows) {
            Object v = r.get(key);
            if (isNumeric(v)) {
                out[n++] = numberOr(v, Double.NaN);
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The steps of all records that have one, in file order. */
    public long[] steps() {
        long[] out = new long[rows.size()];
        int n = 0;
        for (Map<String, Object> r : rows) {
            Long s = stepOf(r);
            if (s != null) {
                out[n++] = s;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The records having both a step and a numeric {@code key}, as {@code {steps, values}}: two
     * arrays of equal length, the layout {@link Charts#linePlot} takes for one series.
     */
    public double[][] series(String key) {
        double[] xs = new double[rows.size()];
        double[] ys = new double[rows.size()];
        int n = 0;
        for (Map<String, Object> r : rows) {
            Long s = stepOf(r);
            Object v = r.get(key);
            if (s != null && isNumeric(v)) {
                xs[n] = s;
                ys[n] = numberOr(v, Double.NaN);
                n++;
            }
        }
        return new double[][]{Arrays.copyOf(xs, n), Arrays.copyOf(ys, n)};
    }

    /** The record parsed from one line, or null when the line is not a JSON object. */
    static Map<String, Object> parseLine(String line) {
        try {
            return MetricsLog.JSON.readValue(line, RECORD);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The record's numeric value for {@code key} (possibly NaN), or null when it has none. */
    static Double valueOf(Map<String, ?> record, String key) {
        Object v = record.get(key);
        return isNumeric(v) ? numberOr(v, Double.NaN) : null;
    }

    /** The record's integral step, or null when it has none. */
    static Long stepOf(Map<String, ?> record) {
        Object v = record.get(MetricsLog.STEP);
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? b.longValue() : null;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            // Some loggers write every number as a float; 120.0 is still step 120.
            if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
                return (long) d;
            }
        }
        return null;
    }

    private static boolean isNumeric(Object v) {
        if (v instanceof Number) {
            return true;
        }
        return v instanceof String s && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"));
    }

    private static double numberOr(Object v, double fallback) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    return fallback;
            }
        }
        return fallback;
    }

    private static List<Map<String, Object>> copy(List<? extends Map<String, ?>> rows) {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Map<String, ?> r : rows) {
            out.add(Collections.unmodifiableMap(new LinkedHashMap<>(r)));
        }
        return Collections.unmodifiableList(out);
    }
}
