package dev.jclip.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An append-only JSON-lines metrics file: one JSON object per line, each line flushed as it is
 * written, so a run that is killed keeps every record it finished. Opening an existing file
 * appends to it; a resumed run calls {@link #truncateAfterStep(long)} to drop the records the
 * interrupted run wrote after the checkpoint it resumes from.
 *
 * <p>Non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"} so the file stays strict JSON; {@link MetricsTable} reads them back as
 * numbers. Instances are thread-safe. Use {@link #read(Path)} to read a log.
 */
public final class MetricsLog implements Closeable {
    /** The key every record should carry so it can be plotted and truncated by step. */
    public static final String STEP = "step";

    // Bare NaN/Infinity tokens are accepted on reading because Python's json module writes them.
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Path file;
    private Writer out;

    private MetricsLog(Path file) throws IOException {
        this.file = file;
        this.out = openForAppend(file);
    }

    /** Opens {@code file} for appending, creating it and its parent folders when absent. */
    public static MetricsLog open(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        return new MetricsLog(abs);
    }

    /** Reads a metrics file into a table of records (lines that are not JSON objects are counted, not kept). */
    public static MetricsTable read(Path file) throws IOException {
        return MetricsTable.read(file);
    }

    /** The file this log appends to. */
    public Path file() {
        return file;
    }

    /**
     * Appends one record as one line and flushes it. Values may be numbers, strings, booleans,
     * null, lists or maps; keys keep the map's iteration order.
     */
    public synchronized void append(Map<String, ?> record) throws IOException {
        ensureOpen();
        String line;
        try {
            line = JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metrics record cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        // Jackson escapes control characters inside strings, so the record cannot span lines.
        out.write(line);
        out.write('\n');
        out.flush();
    }

    /** Appends {@code {"step": step, ...values}}; {@code values} must not contain {@value #STEP} itself. */
    public void append(long step, Map<String, ?> values) throws IOException {
        if (values.containsKey(STEP)) {
            throw new IllegalArgumentException("values already contain '" + STEP + "'; use append(Map)");
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put(STEP, step);
        record.putAll(values);
        append(record);
    }

    /**
     * Keeps only the records whose {@value #STEP} is at most {@code step}, for a run resuming from
     * the checkpoint taken at {@code step}. Records without a step (run metadata) are kept;
     * unreadable lines, such as a line cut short when the previous run was killed, are dropped.
     * Kept lines are preserved byte for byte. The file is replaced atomically and appending
     * continues after the kept records.
     *
     * @return the number of lines removed
     */
    public synchronized int truncateAfterStep(long step) throws IOException {
        ensureOpen();
        out.close();
        out = null;
        int removed = 0;
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> record = MetricsTable.parseLine(line);
                Long s = record == null ? null : MetricsTable.stepOf(record);
                if (record != null && (s == null || s <= step)) {
                    kept.add(line);
                } else {
                    removed++;
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String line : kept) {
                sb.append(line).append('\n');
            }
            AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } finally {
            out = openForAppend(file);
        }
        return removed;
    }

    /** Closes the file; later appends fail. */
    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    private void ensureOpen() throws IOException {
        if (out == null) {
            throw new IOException("metrics log " + file + " is closed");
        }
    }

    private static Writer openForAppend(Path file) throws IOException {
        boolean needsNewline = endsWithoutNewline(file);
        Writer w = new BufferedWriter(new OutputStreamWriter(
                Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                StandardCharsets.UTF_8));
        if (needsNewline) {
            // A run killed mid-write leaves a torn last line; end it so the first new record is
            // not glued onto it (the reader skips the torn line on its own).
            w.write('\n');
            w.flush();
        }
        return w;
    }

    private static boolean endsWithoutNewline(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long len = raf.length();
            if (len == 0) {
                return false;
            }
            raf.seek(len - 1);
            return raf.read() != '\n';
        }
    }
}
