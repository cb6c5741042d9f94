package dev.jclip.checkpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which attributes of each TorchScript class are parameters and buffers, read from the
 * {@code __parameters__ = [...]} and {@code __buffers__ = [...]} lines of the archive's code.
 * The code is only scanned as text for these two lists; nothing else in it is interpreted.
 */
final class ScriptDeclarations {
    /** The state attributes of one class, in declaration order. */
    record Declared(List<String> parameters, List<String> buffers) {
    }

    private static final Pattern CLASS = Pattern.compile("class\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(.*");
    private static final Pattern LIST_START = Pattern.compile("\\s+(__parameters__|__buffers__)\\s*=\\s*\\[(.*)");
    private static final Pattern NAME = Pattern.compile("\"([^\"]*)\"|'([^']*)'");

    private ScriptDeclarations() {
    }

    /**
     * Parses code files keyed by their path under {@code code/} (e.g.
     * {@code __torch__/clip/model.py}) into declarations keyed by qualified class name (e.g.
     * {@code __torch__.clip.model.CLIP}).
     */
    static Map<String, Declared> parse(Map<String, String> files) {
        Map<String, Declared> out = new HashMap<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            String module = f.getKey().substring(0, f.getKey().length() - ".py".length()).replace('/', '.');
            parseFile(module, f.getValue(), out);
        }
        return out;
    }

    private static void parseFile(String module, String text, Map<String, Declared> out) {
        String[] lines = text.split("\n", -1);
        String cls = null;
        List<String> params = null, buffers = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                // a top-level line ends the previous class body
                if (cls != null && (params != null || buffers != null)) {
                    out.put(module + "." + cls, declared(params, buffers));
                }
                Matcher m = CLASS.matcher(line);
                cls = m.matches() ? m.group(1) : null;
                params = buffers = null;
                continue;
            }
            Matcher m = LIST_START.matcher(line);
            if (cls == null || !m.matches()) {
                continue;
            }
            StringBuilder list = new StringBuilder(m.group(2));
            while (list.indexOf("]") < 0 && i + 1 < lines.length) {
                list.append(' ').append(lines[++i]);
            }
            String body = list.indexOf("]") >= 0 ? list.substring(0, list.indexOf("]")) : list.toString();
            List<String> names = new ArrayList<>();
            Matcher n = NAME.matcher(body);
            while (n.find()) {
                names.add(n.group(1) != null ? n.group(1) : n.group(2));
            }
            if (m.group(1).equals("__parameters__")) {
                params = names;
            } else {
                buffers = names;
            }
        }
        if (cls != null && (params != null || buffers != null)) {
            out.put(module + "." + cls, declared(params, buffers));
        }
    }

    private static Declared declared(List<String> params, List<String> buffers) {
        return new Declared(params == null ? List.of() : List.copyOf(params),
                buffers == null ? List.of() : List.copyOf(buffers));
    }
}
