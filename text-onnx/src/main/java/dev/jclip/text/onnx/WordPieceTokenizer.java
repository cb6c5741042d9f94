package dev.jclip.text.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer as a Hugging Face {@code tokenizer.json} describes it: the
 * BertNormalizer (clean text, space around CJK ideographs, strip accents, lower case), the
 * BertPreTokenizer (split on whitespace and around every punctuation character), greedy
 * longest-match WordPiece with a {@code ##} continuation prefix, then {@code [CLS] … [SEP]} and
 * right truncation to the maximum length. Only that pipeline is supported; a file describing
 * another one is rejected rather than tokenized differently.
 */
public final class WordPieceTokenizer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Integer> vocab;
    private final String prefix;
    private final int unkId, clsId, sepId, padId;
    private final int maxInputCharsPerWord;
    private final int maxLength;
    private final boolean lowercase, stripAccents, cleanText, chineseChars;
    /** Added tokens matched verbatim in the raw text before normalization ([CLS], [MASK]...), longest first. */
    private final List<Map.Entry<String, Integer>> added = new ArrayList<>();

    private WordPieceTokenizer(JsonNode root) {
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new IllegalArgumentException("not a WordPiece tokenizer.json (model type '" + model.path("type").asText() + "')");
        }
        JsonNode norm = root.path("normalizer");
        if (!"BertNormalizer".equals(norm.path("type").asText())
                || !"BertPreTokenizer".equals(root.path("pre_tokenizer").path("type").asText())) {
            throw new IllegalArgumentException("only BertNormalizer + BertPreTokenizer pipelines are supported, got "
                    + norm.path("type").asText() + " + " + root.path("pre_tokenizer").path("type").asText());
        }
        vocab = new HashMap<>();
        model.path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        prefix = model.path("continuing_subword_prefix").asText("##");
        maxInputCharsPerWord = model.path("max_input_chars_per_word").asInt(100);
        unkId = id(model.path("unk_token").asText("[UNK]"));
        clsId = id("[CLS]");
        sepId = id("[SEP]");
        padId = root.path("padding").path("pad_id").asInt(id("[PAD]"));
        lowercase = norm.path("lowercase").asBoolean(true);
        // as in the reference normalizer: strip_accents null means "follow lowercase"
        stripAccents = norm.path("strip_accents").isNull() || norm.path("strip_accents").isMissingNode()
                ? lowercase : norm.path("strip_accents").asBoolean();
        cleanText = norm.path("clean_text").asBoolean(true);
        chineseChars = norm.path("handle_chinese_chars").asBoolean(true);
        maxLength = root.path("truncation").path("max_length").asInt(512);
        for (JsonNode a : root.path("added_tokens")) {
            if (a.path("normalized").asBoolean(false) || a.path("single_word").asBoolean(false)
                    || a.path("lstrip").asBoolean(false) || a.path("rstrip").asBoolean(false)) {
                throw new IllegalArgumentException("added token " + a.path("content").asText()
                        + " uses matching options this tokenizer does not implement");
            }
            added.add(Map.entry(a.path("content").asText(), a.path("id").asInt()));
        }
        added.sort((x, y) -> Integer.compare(y.getKey().length(), x.getKey().length()));
    }

    private int id(String token) {
        Integer i = vocab.get(token);
        if (i == null) {
            throw new IllegalArgumentException("the vocabulary lacks " + token);
        }
        return i;
    }

    /** Reads a {@code tokenizer.json}. */
    public static WordPieceTokenizer read(InputStream json) throws IOException {
        return new WordPieceTokenizer(JSON.readTree(json));
    }

    /** The maximum sequence length including [CLS] and [SEP] (the file's truncation length). */
    public int maxLength() {
        return maxLength;
    }

    public int padId() {
        return padId;
    }

    public int vocabSize() {
        return vocab.size();
    }

    /** Token ids of one text: [CLS], its word pieces (truncated on the right), [SEP]. */
    public int[] encode(String text) {
        List<Integer> pieces = new ArrayList<>();
        int from = 0;
        while (from <= text.length() && pieces.size() < maxLength - 2) {
            // the next added token, matched verbatim; the text before it is tokenized normally
            int at = text.length();
            Map.Entry<String, Integer> hit = null;
            for (Map.Entry<String, Integer> a : added) {
                int i = text.indexOf(a.getKey(), from);
                if (i >= 0 && i < at) {
                    at = i;
                    hit = a;
                }
            }
            for (String word : preTokenize(normalize(text.substring(from, at)))) {
                wordPiece(word, pieces);
                if (pieces.size() >= maxLength - 2) {
                    break;
                }
            }
            if (hit == null) {
                break;
            }
            pieces.add(hit.getValue());
            from = at + hit.getKey().length();
        }
        int n = Math.min(pieces.size(), maxLength - 2);
        int[] ids = new int[n + 2];
        ids[0] = clsId;
        for (int i = 0; i < n; i++) {
            ids[i + 1] = pieces.get(i);
        }
        ids[n + 1] = sepId;
        return ids;
    }

    /** The BertNormalizer's output. */
    String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || isControl(c)) {
                    return;
                }
                if (isWhitespace(c)) {
                    sb.append(' ');
                    return;
                }
            }
            if (chineseChars && isChinese(c)) {
                sb.append(' ').appendCodePoint(c).append(' ');
            } else {
                sb.appendCodePoint(c);
            }
        });
        String s = sb.toString();
        if (stripAccents) {
            StringBuilder out = new StringBuilder(s.length());
            Normalizer.normalize(s, Normalizer.Form.NFD).codePoints()
                    .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                    .forEach(out::appendCodePoint);
            s = out.toString();
        }
        return lowercase ? s.toLowerCase(Locale.ROOT) : s;
    }

    /** Words: split on whitespace, with every punctuation character a word of its own. */
    static List<String> preTokenize(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (isWhitespace(c)) {
                flush(cur, out);
            } else if (isPunctuation(c)) {
                flush(cur, out);
                out.add(new String(Character.toChars(c)));
            } else {
                cur.appendCodePoint(c);
            }
        });
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        if (!cur.isEmpty()) {
            out.add(cur.toString());
            cur.setLength(0);
        }
    }

    /** Greedy longest-match-first pieces of one word; a word with an unmatched rest is one [UNK]. */
    private void wordPiece(String word, List<Integer> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            int end = cps.length;
            Integer found = null;
            while (start < end) {
                String sub = new String(cps, start, end - start);
                if (start > 0) {
                    sub = prefix + sub;
                }
                found = vocab.get(sub);
                if (found != null) {
                    break;
                }
                end--;
            }
            if (found == null) {
                out.add(unkId);
                return;
            }
            pieces.add(found);
            start = end;
        }
        out.addAll(pieces);
    }

    private static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.UNASSIGNED
                || t == Character.PRIVATE_USE || t == Character.SURROGATE;
    }

    /** ASCII punctuation (which includes symbols such as $ + < = > ^ ` | ~) or any Unicode P* character. */
    private static boolean isPunctuation(int c) {
        if (c >= 33 && c <= 47 || c >= 58 && c <= 64 || c >= 91 && c <= 96 || c >= 123 && c <= 126) {
            return true;
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    /** The CJK Unified Ideograph blocks BERT puts spaces around. */
    private static boolean isChinese(int c) {
        return c >= 0x4E00 && c <= 0x9FFF || c >= 0x3400 && c <= 0x4DBF || c >= 0x20000 && c <= 0x2A6DF
                || c >= 0x2A700 && c <= 0x2B73F || c >= 0x2B740 && c <= 0x2B81F || c >= 0x2B820 && c <= 0x2CEAF
                || c >= 0xF900 && c <= 0xFAFF || c >= 0x2F800 && c <= 0x2FA1F;
    }
}
