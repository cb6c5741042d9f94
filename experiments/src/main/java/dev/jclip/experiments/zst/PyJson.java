package dev.jclip.experiments.zst;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON byte for byte as Python's {@code json.dump(obj, fh, indent=1)} does (ASCII only,
 * {@code ", "} never appears since an indent puts each item on its own line, no final newline), so
 * the split files the Java pipeline writes equal those of the Python one.
 */
final class PyJson {
    private PyJson() {
    }

    /** Maps (insertion order kept), lists, strings and integers. */
    static String dump(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            String sep = "\n";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(sep).append(" ".repeat(depth + 1));
                string(out, e.getKey().toString());
                out.append(": ");
                write(out, e.getValue(), depth + 1);
                sep = ",\n";
            }
            out.append('\n').append(" ".repeat(depth)).append('}');
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            String sep = "\n";
            for (Object item : list) {
                out.append(sep).append(" ".repeat(depth + 1));
                write(out, item, depth + 1);
                sep = ",\n";
            }
            out.append('\n').append(" ".repeat(depth)).append(']');
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else {
            throw new IllegalArgumentException("not written here: " + value);
        }
    }

    /** Python's ensure_ascii escaping: the short escapes, then \\uXXXX (UTF-16 units) for the rest. */
    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
