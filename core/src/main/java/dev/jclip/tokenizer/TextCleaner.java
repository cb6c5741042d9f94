package dev.jclip.tokenizer;

import java.text.Normalizer;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The reference text cleaning: {@code whitespace_clean(basic_clean(text)).lower()} where
 * basic_clean is {@code ftfy.fix_text}, then {@code html.unescape} twice, then strip.
 *
 * <p>The ftfy fixes reproduced are those of its default configuration that change ordinary
 * text: HTML entity decoding (when the text has no '&lt;'), terminal escape removal, C1
 * controls read as Windows-1252, Latin ligatures, full-width/half-width forms, curly quotes,
 * line breaks, control-character removal and NFC normalization, repeated until nothing changes.
 * ftfy's mojibake repair ({@code fix_encoding}: text that was UTF-8 decoded as Latin-1 or
 * Windows-1252, e.g. "schÃ¶n" for "schön") is <b>not</b> reproduced; such text is tokenized as it is.
 */
public final class TextCleaner {
    private static final Pattern TERMINAL_ESCAPES = Pattern.compile("\u001b\\[((?:\\d|;)*)([a-zA-Z])");
    private static final Pattern SINGLE_QUOTES = Pattern.compile("[\u02bc\u2018-\u201b]");
    private static final Pattern DOUBLE_QUOTES = Pattern.compile("[\u201c-\u201f]");
    private static final Pattern LINE_BREAKS = Pattern.compile("\r\n|[\r\u2028\u2029\u0085]");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Map<Character, String> LIGATURES = Map.ofEntries(
            Map.entry('\u0132', "IJ"), Map.entry('\u0133', "ij"), Map.entry('\u0149', "\u02bcn"),
            Map.entry('\u01f1', "DZ"), Map.entry('\u01f2', "Dz"), Map.entry('\u01f3', "dz"),
            Map.entry('\u01c4', "D\u017d"), Map.entry('\u01c5', "D\u017e"), Map.entry('\u01c6', "d\u017e"),
            Map.entry('\u01c7', "LJ"), Map.entry('\u01c8', "Lj"), Map.entry('\u01c9', "lj"),
            Map.entry('\u01ca', "NJ"), Map.entry('\u01cb', "Nj"), Map.entry('\u01cc', "nj"),
            Map.entry('\ufb00', "ff"), Map.entry('\ufb01', "fi"), Map.entry('\ufb02', "fl"),
            Map.entry('\ufb03', "ffi"), Map.entry('\ufb04', "ffl"), Map.entry('\ufb05', "\u017ft"),
            Map.entry('\ufb06', "st"));
    private static final String CP1252_80_9F =
            "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f"
                    + "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

    private TextCleaner() {
    }

    /** The text as the reference tokenizer sees it before splitting. */
    public static String clean(String text) {
        String t = fixText(text);
        t = HtmlUnescape.unescape(HtmlUnescape.unescape(t)).strip();
        t = WHITESPACE.matcher(t).replaceAll(" ").strip();
        return t.toLowerCase(java.util.Locale.ROOT);
    }

    /** The subset of {@code ftfy.fix_text} described in the class comment. */
    public static String fixText(String text) {
        boolean unescape = text.indexOf('<') < 0;
        for (int round = 0; round < 10; round++) {
            String before = text;
            if (unescape) {
                text = HtmlUnescape.unescapeStrict(text);
            }
            text = fixC1Controls(text);
            text = fixLigatures(text);
            text = fixWidth(text);
            text = SINGLE_QUOTES.matcher(text).replaceAll("'");
            text = DOUBLE_QUOTES.matcher(text).replaceAll("\"");
            text = LINE_BREAKS.matcher(text).replaceAll("\n");
            text = TERMINAL_ESCAPES.matcher(text).replaceAll("");
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(before)) {
                break;
            }
        }
        return text;
    }

    private static String fixC1Controls(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 && c <= 0x9F) {
                if (b == null) {
                    b = new StringBuilder(s.substring(0, i));
                }
                b.append(CP1252_80_9F.charAt(c - 0x80));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    private static String fixLigatures(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = LIGATURES.get(c);
            if (r != null && b == null) {
                b = new StringBuilder(s.substring(0, i));
            }
            if (b != null) {
                b.append(r != null ? r : String.valueOf(c));
            }
        }
        return b == null ? s : b.toString();
    }

    /** Full-width and half-width forms (U+FF01–U+FFEF) to their NFKC equivalents; ideographic space to a space. */
    private static String fixWidth(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = null;
            if (c == '\u3000') {
                r = " ";
            } else if (c >= '\uff01' && c <= '\uffef') {
                String n = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
                if (!n.equals(String.valueOf(c))) {
                    r = n;
                }
            }
            if (r != null && b == null) {
                b = new StringBuilder(s.substring(0, i));
            }
            if (b != null) {
                b.append(r != null ? r : String.valueOf(c));
            }
        }
        return b == null ? s : b.toString();
    }

    private static boolean isControl(int cp) {
        return (cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) || cp == 0x7F
                || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFC)
                || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE007F);
    }

    private static String removeControlChars(String s) {
        if (s.codePoints().noneMatch(TextCleaner::isControl)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().filter(cp -> !isControl(cp)).forEach(b::appendCodePoint);
        return b.toString();
    }
}
