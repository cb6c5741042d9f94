package dev.jclip.search;

import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.TermQuery;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Metadata conditions on index entries, all of which must hold. Each condition is written
 * {@code FIELD:VALUE}:
 * <ul>
 *   <li>{@code path:/photos/2023} — the path starts with this; a value with {@code * ? [} is a glob
 *       ({@code *} and {@code ?} stay inside one folder, {@code **} crosses folders), and a glob
 *       that does not start with {@code /} may match the end of the path ({@code path:cats/*.jpg})</li>
 *   <li>{@code ext:jpg,png} — one of these extensions (case-insensitive)</li>
 *   <li>{@code width:640..}, {@code height:..1080}, {@code width:100..200}, {@code width:512} —
 *       pixel size ranges, both ends inclusive</li>
 *   <li>{@code mtime:2024-01-01..2024-06-30} — modification time; dates are UTC days (an end date
 *       includes its whole day), {@code 2024-01-01T12:00} a UTC minute, a bare number epoch milliseconds</li>
 *   <li>{@code caption:dog,snow} or {@code caption:"dog snow"} — a caption contains every word</li>
 * </ul>
 * The result is a Lucene query that the vector search takes as its filter, so the HNSW walk only
 * collects matching entries and still returns k of them (a filtered search, not post-filtering).
 */
public final class SearchFilter {
    /** The fields a condition may name. */
    public static final List<String> FIELDS = List.of("path", "ext", "width", "height", "mtime", "caption");
    private static final SearchFilter NONE = new SearchFilter(List.of(), List.of());

    private final List<String> conditions;
    private final List<Query> queries;

    private SearchFilter(List<String> conditions, List<Query> queries) {
        this.conditions = List.copyOf(conditions);
        this.queries = List.copyOf(queries);
    }

    /** No condition: every entry passes. */
    public static SearchFilter none() {
        return NONE;
    }

    /** Parses conditions ({@code FIELD:VALUE}); refuses an unknown field or a malformed value with a message naming it. */
    public static SearchFilter parse(List<String> conditions) {
        if (conditions == null || conditions.isEmpty()) {
            return NONE;
        }
        List<Query> qs = new ArrayList<>();
        for (String c : conditions) {
            qs.add(condition(c));
        }
        return new SearchFilter(conditions, qs);
    }

    public boolean isEmpty() {
        return queries.isEmpty();
    }

    /** The conditions as written. */
    public List<String> conditions() {
        return conditions;
    }

    /** The conjunction of the conditions, or null when there are none. */
    public Query query() {
        if (queries.isEmpty()) {
            return null;
        }
        if (queries.size() == 1) {
            return queries.get(0);
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        queries.forEach(q -> b.add(q, BooleanClause.Occur.FILTER));
        return b.build();
    }

    private static Query condition(String c) {
        int colon = c.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("filter '" + c + "': write FIELD:VALUE with FIELD one of " + String.join(", ", FIELDS));
        }
        String field = c.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = c.substring(colon + 1).strip();
        if (!FIELDS.contains(field)) {
            throw new IllegalArgumentException("filter '" + c + "': unknown field '" + field + "' (known: " + String.join(", ", FIELDS) + ")");
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("filter '" + c + "': empty value");
        }
        return switch (field) {
            case "path" -> path(value);
            case "ext" -> ext(value);
            case "width", "height" -> {
                long[] r = range(c, value, SearchFilter::pixels);
                yield IntPoint.newRangeQuery(field.equals("width") ? ImageIndex.F_WIDTH_POINT : ImageIndex.F_HEIGHT_POINT,
                        (int) Math.max(r[0], 0), (int) Math.min(r[1], Integer.MAX_VALUE)); // an open end is the int's end
            }
            case "mtime" -> {
                long[] r = range(c, value, SearchFilter::time);
                yield LongPoint.newRangeQuery(ImageIndex.F_MTIME_POINT, r[0], r[1]);
            }
            default -> caption(c, value);
        };
    }

    private static Query path(String value) {
        if (value.chars().noneMatch(ch -> ch == '*' || ch == '?' || ch == '[')) {
            return new PrefixQuery(new Term(ImageIndex.F_PATH, value));
        }
        return new RegexpQuery(new Term(ImageIndex.F_PATH, (value.startsWith("/") ? "" : "(.*/)?") + globToRegexp(value)));
    }

    /** A glob in Lucene's regular expression syntax: every other character is escaped, so a path may hold any. */
    static String globToRegexp(String glob) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            if (ch == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                sb.append(".*");
                i++;
            } else if (ch == '*') {
                sb.append("[^/]*");
            } else if (ch == '?') {
                sb.append("[^/]");
            } else if (ch == '[') {
                int end = glob.indexOf(']', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("glob '" + glob + "': '[' without ']'");
                }
                sb.append('[').append(glob, i + 1, end).append(']');
                i = end;
            } else if (Character.isLetterOrDigit(ch)) {
                sb.append(ch);
            } else {
                sb.append('\\').append(ch);
            }
        }
        return sb.toString();
    }

    private static Query ext(String value) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String e : value.split(",")) {
            String x = e.strip().toLowerCase(Locale.ROOT);
            x = x.startsWith(".") ? x.substring(1) : x;
            if (!x.isEmpty()) {
                b.add(new TermQuery(new Term(ImageIndex.F_EXT, x)), BooleanClause.Occur.SHOULD);
            }
        }
        return b.build();
    }

    private static Query caption(String c, String value) {
        String v = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
        List<String> words = Bm25.analyze(ImageIndex.F_CAPTION, v.replace(',', ' '));
        if (words.isEmpty()) {
            throw new IllegalArgumentException("filter '" + c + "': no words to look for");
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String w : words) {
            b.add(new TermQuery(new Term(ImageIndex.F_CAPTION, w)), BooleanClause.Occur.FILTER);
        }
        return b.build();
    }

    private interface Bound {
        /** The bound's value; {@code upper} tells an end date to take its whole day. */
        long parse(String s, boolean upper);
    }

    /** [low, high] of {@code LO..HI}, {@code LO..}, {@code ..HI} or a single value; refuses a reversed or malformed range. */
    private static long[] range(String c, String value, Bound bound) {
        int dots = value.indexOf("..");
        String lo, hi;
        if (dots < 0) {
            lo = value;
            hi = value;
        } else {
            lo = value.substring(0, dots).strip();
            hi = value.substring(dots + 2).strip();
            if (hi.contains("..")) {
                throw new IllegalArgumentException("filter '" + c + "': a range is LOW..HIGH, with one '..'");
            }
            if (lo.isEmpty() && hi.isEmpty()) {
                throw new IllegalArgumentException("filter '" + c + "': the range '..' has no end");
            }
        }
        long l, h;
        try {
            l = lo.isEmpty() ? Long.MIN_VALUE : bound.parse(lo, false);
            h = hi.isEmpty() ? Long.MAX_VALUE : bound.parse(hi, true);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("filter '" + c + "': " + e.getMessage());
        }
        if (l > h) {
            throw new IllegalArgumentException("filter '" + c + "': the range's low end " + lo + " is above its high end " + hi);
        }
        return new long[]{l, h};
    }

    private static long pixels(String s, boolean upper) {
        try {
            long v = Long.parseLong(s);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a pixel count (0, 1, 2, ...)");
        }
    }

    private static long time(String s, boolean upper) {
        if (s.matches("-?[0-9]{5,}")) {
            return Long.parseLong(s);
        }
        try {
            if (s.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                LocalDate d = LocalDate.parse(s);
                return upper ? d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() - 1
                        : d.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + s + "' is not a date (2024-01-31), a UTC time (2024-01-31T12:00) or epoch milliseconds");
        }
    }

    @Override
    public String toString() {
        return String.join(" AND ", conditions);
    }
}
