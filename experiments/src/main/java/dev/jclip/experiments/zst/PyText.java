package dev.jclip.experiments.zst;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Python's {@code str.strip()}, {@code str.split()} and {@code os.path.splitext}, and the "names a class" pattern. */
final class PyText {
    private PyText() {
    }

    /** Python's str.isspace for one char: Java's whitespace plus the no-break spaces and NEL. */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || c == '\u0085' || c == '\u00a0' || c == '\u2007' || c == '\u202f';
    }

    static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isSpace(s.charAt(a))) {
            a++;
        }
        while (b > a && isSpace(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }

    /** {@code s.split()}: the runs of non-space characters. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
            int j = i;
            while (j < s.length() && !isSpace(s.charAt(j))) {
                j++;
            }
            if (j > i) {
                out.add(s.substring(i, j));
            }
            i = j;
        }
        return out;
    }

    /** {@code os.path.splitext(name)} of a file name: {base, ext}, leading dots never starting the extension. */
    static String[] splitext(String name) {
        int dot = name.lastIndexOf('.');
        int lead = 0;
        while (lead < name.length() && name.charAt(lead) == '.') {
            lead++;
        }
        if (dot < lead) {
            return new String[]{name, ""};
        }
        return new String[]{name.substring(0, dot), name.substring(dot)};
    }

    /**
     * A caption or definition "names" a class when its name, or the plural, appears as whole words,
     * case-blind (zst_common.names_pattern). Longer names first, so "crocodile head" wins over "crocodile".
     */
    static Pattern namesPattern(List<String> held) {
        List<String> alts = held.stream().distinct().sorted((x, y) -> Integer.compare(y.length(), x.length()))
                .map(Pattern::quote).toList();
        return Pattern.compile("\\b(?:" + String.join("|", alts) + ")(?:s|es)?\\b",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    }
}
