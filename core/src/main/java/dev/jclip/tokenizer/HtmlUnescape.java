package dev.jclip.tokenizer;

import org.apache.commons.text.translate.EntityArrays;

import java.util.HashMap;
import java.util.Map;

/**
 * HTML character-reference decoding with the semantics of Python's {@code html.unescape}:
 * numeric references with or without ';' (invalid code points become U+FFFD, 0x80–0x9F are read
 * as Windows-1252), and named references, where the legacy Latin-1 names also match without ';'
 * (longest prefix). The named table is Apache Commons Text's HTML 4 set, which covers the
 * entities seen in real captions; HTML5-only names (e.g. {@code &NotNestedLessLess;}) stay as text.
 */
final class HtmlUnescape {
    private static final Map<String, String> WITH_SEMICOLON = new HashMap<>();
    private static final Map<String, String> LEGACY = new HashMap<>();
    private static final int MAX_NAME = 32;

    static {
        put(EntityArrays.BASIC_UNESCAPE, true);
        put(EntityArrays.ISO8859_1_UNESCAPE, true);
        put(EntityArrays.HTML40_EXTENDED_UNESCAPE, false);
        put(EntityArrays.APOS_UNESCAPE, false);
    }

    private static void put(Map<CharSequence, CharSequence> table, boolean legacy) {
        table.forEach((k, v) -> {
            String name = k.toString().substring(1, k.length() - 1); // "&amp;" → "amp"
            WITH_SEMICOLON.put(name, v.toString());
            if (legacy) {
                LEGACY.put(name, v.toString());
            }
        });
    }

    private HtmlUnescape() {
    }

    /** Python's {@code html.unescape}. */
    static String unescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (amp >= 0) {
            out.append(s, i, amp);
            int consumed = decodeAt(s, amp, out, false);
            i = amp + Math.max(1, consumed);
            if (consumed == 0) {
                out.append('&');
            }
            amp = s.indexOf('&', i);
        }
        out.append(s, i, s.length());
        return out.toString();
    }

    /**
     * ftfy's stricter variant: only complete references {@code &#?[0-9A-Za-z]{1,24};}, named ones
     * also in upper case.
     */
    static String unescapeStrict(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (amp >= 0) {
            out.append(s, i, amp);
            int semi = -1;
            int j = amp + 1;
            if (j < s.length() && s.charAt(j) == '#') {
                j++;
            }
            int start = j;
            while (j < s.length() && j - start < 25 && isAsciiAlnum(s.charAt(j))) {
                j++;
            }
            if (j > start && j - start <= 24 && j < s.length() && s.charAt(j) == ';') {
                semi = j;
            }
            if (semi < 0) {
                out.append('&');
                i = amp + 1;
            } else {
                String ref = s.substring(amp, semi + 1);
                String name = s.substring(amp + 1, semi);
                String v;
                if (name.startsWith("#")) {
                    StringBuilder tmp = new StringBuilder();
                    decodeAt(ref, 0, tmp, true);
                    v = tmp.toString();
                } else {
                    v = WITH_SEMICOLON.get(name);
                    if (v == null) {
                        v = WITH_SEMICOLON.get(name.toLowerCase(java.util.Locale.ROOT));
                        if (v != null && v.length() == 1 && Character.isLetter(v.charAt(0))) {
                            v = v.toUpperCase(java.util.Locale.ROOT);
                        } else if (v != null && !name.equals(name.toUpperCase(java.util.Locale.ROOT))) {
                            v = null;
                        }
                    }
                }
                out.append(v != null ? v : ref);
                i = semi + 1;
            }
            amp = s.indexOf('&', i);
        }
        out.append(s, i, s.length());
        return out.toString();
    }

    private static boolean isAsciiAlnum(char c) {
        return c < 128 && Character.isLetterOrDigit(c);
    }

    /** Decodes the reference at {@code s[amp]} into out; returns the characters consumed (0: none). */
    private static int decodeAt(String s, int amp, StringBuilder out, boolean strict) {
        int n = s.length();
        int j = amp + 1;
        if (j < n && s.charAt(j) == '#') {
            j++;
            boolean hex = j < n && (s.charAt(j) == 'x' || s.charAt(j) == 'X');
            if (hex) {
                j++;
            }
            int start = j;
            while (j < n && (hex ? Character.digit(s.charAt(j), 16) >= 0 && s.charAt(j) < 128
                    : s.charAt(j) >= '0' && s.charAt(j) <= '9')) {
                j++;
            }
            if (j == start) {
                return 0;
            }
            String digits = s.substring(start, j);
            if (j < n && s.charAt(j) == ';') {
                j++;
            }
            out.append(numeric(digits, hex ? 16 : 10));
            return j - amp;
        }
        // named: longest match; names without ';' only for the legacy set
        int start = j;
        while (j < n && j - start < MAX_NAME && isAsciiAlnum(s.charAt(j))) {
            j++;
        }
        if (j < n && s.charAt(j) == ';') {
            String v = WITH_SEMICOLON.get(s.substring(start, j));
            if (v != null) {
                out.append(v);
                return j + 1 - amp;
            }
        }
        for (int end = j; end > start; end--) {
            String v = LEGACY.get(s.substring(start, end));
            if (v != null) {
                out.append(v);
                return end - amp;
            }
        }
        return 0;
    }

    private static final String CP1252_80_9F =
            "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f"
                    + "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

    private static String numeric(String digits, int radix) {
        long cp;
        try {
            cp = digits.length() > 8 ? Long.MAX_VALUE : Long.parseLong(digits, radix);
        } catch (NumberFormatException e) {
            cp = Long.MAX_VALUE;
        }
        if (cp >= 0x80 && cp <= 0x9F) {
            return String.valueOf(CP1252_80_9F.charAt((int) cp - 0x80));
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return "\uFFFD";
        }
        // Python drops a few invalid code points (controls, non-characters) entirely
        if ((cp >= 0x1 && cp <= 0x8) || cp == 0xB || (cp >= 0xE && cp <= 0x1F) || (cp >= 0x7F && cp <= 0x9F)
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
            return "";
        }
        return new String(Character.toChars((int) cp));
    }
}
