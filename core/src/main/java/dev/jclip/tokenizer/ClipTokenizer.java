package dev.jclip.tokenizer;

import dev.jclip.tensor.HostTensor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLIP tokenizer, identical to the reference {@code SimpleTokenizer}: text cleaning
 * ({@link TextCleaner}), the pre-token split (special tokens, contractions, runs of letters,
 * single digits, runs of other symbols), byte-to-character mapping and byte-pair encoding over
 * the 49,408-token vocabulary. Thread-safe.
 */
public final class ClipTokenizer {
    public static final int SOT = 49406;
    public static final int EOT = 49407;
    public static final int VOCAB_SIZE = 49408;
    public static final int CONTEXT_LENGTH = 77;

    private static final Pattern SPLIT = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    private static volatile ClipTokenizer shared;
    private final Bpe bpe;

    private ClipTokenizer(Bpe bpe) {
        this.bpe = bpe;
    }

    /** The shared instance (the vocabulary is loaded once, on first use). */
    public static ClipTokenizer get() {
        ClipTokenizer t = shared;
        if (t == null) {
            synchronized (ClipTokenizer.class) {
                t = shared;
                if (t == null) {
                    t = new ClipTokenizer(Bpe.bundled());
                    shared = t;
                }
            }
        }
        return t;
    }

    /** The 48,894 merges of the bundled vocabulary, in rank order. */
    public List<String> merges() {
        return bpe.merges();
    }

    public int vocabSize() {
        return bpe.vocabSize();
    }

    /** The BPE ids of the cleaned text, without start and end tokens. */
    public int[] encode(String text) {
        String cleaned = TextCleaner.clean(text);
        List<Integer> ids = new ArrayList<>();
        Matcher m = SPLIT.matcher(cleaned);
        while (m.find()) {
            String tok = m.group();
            String mapped;
            if (tok.equals("<|startoftext|>") || tok.equals("<|endoftext|>")) {
                mapped = tok;
            } else {
                byte[] utf8 = tok.getBytes(StandardCharsets.UTF_8);
                StringBuilder sb = new StringBuilder(utf8.length);
                for (byte b : utf8) {
                    sb.append(ByteUnicode.BYTE_TO_CHAR[b & 0xff]);
                }
                mapped = sb.toString();
            }
            for (String piece : bpe.apply(mapped)) {
                Integer id = bpe.id(piece);
                if (id == null) {
                    throw new IllegalStateException("BPE produced a piece outside the vocabulary: " + piece);
                }
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Start token, the text's ids, end token (unpadded, never truncated). */
    public int[] encodeWithMarkers(String text) {
        int[] body = encode(text);
        int[] out = new int[body.length + 2];
        out[0] = SOT;
        System.arraycopy(body, 0, out, 1, body.length);
        out[out.length - 1] = EOT;
        return out;
    }

    /**
     * One row of {@code contextLength} ids per text, padded with 0. A text that does not fit is
     * cut to its first {@code contextLength} ids with the last set to the end token when
     * {@code truncate}, else rejected with a {@link TextTooLongException}.
     */
    public long[][] tokenize(List<String> texts, int contextLength, boolean truncate) {
        long[][] out = new long[texts.size()][contextLength];
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = encodeWithMarkers(texts.get(i));
            if (ids.length > contextLength) {
                if (!truncate) {
                    throw new TextTooLongException(texts.get(i), ids.length, contextLength);
                }
                ids = java.util.Arrays.copyOf(ids, contextLength);
                ids[contextLength - 1] = EOT;
            }
            for (int j = 0; j < ids.length; j++) {
                out[i][j] = ids[j];
            }
        }
        return out;
    }

    /** {@link #tokenize} as an I64 tensor [N, contextLength]. */
    public HostTensor tokenizeTensor(List<String> texts, int contextLength, boolean truncate) {
        long[][] rows = tokenize(texts, contextLength, truncate);
        long[] flat = new long[rows.length * contextLength];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * contextLength, contextLength);
        }
        return HostTensor.ofLongs(flat, rows.length, contextLength);
    }

    /**
     * The reference decoder: concatenates the pieces, maps characters back to bytes, decodes UTF-8
     * (invalid sequences become U+FFFD) and turns each {@code </w>} into a space. Special tokens are
     * kept as their text; padding (0) decodes as "!".
     */
    public String decode(int[] ids) {
        StringBuilder pieces = new StringBuilder();
        for (int id : ids) {
            if (id < 0 || id >= bpe.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary");
            }
            pieces.append(bpe.token(id));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String s = pieces.toString();
        for (int i = 0; i < s.length(); ) {
            if (s.startsWith("</w>", i)) {
                bytes.writeBytes("</w>".getBytes(StandardCharsets.UTF_8));
                i += 4;
                continue;
            }
            if (s.startsWith("<|startoftext|>", i) || s.startsWith("<|endoftext|>", i)) {
                String sp = s.startsWith("<|startoftext|>", i) ? "<|startoftext|>" : "<|endoftext|>";
                bytes.writeBytes(sp.getBytes(StandardCharsets.UTF_8));
                i += sp.length();
                continue;
            }
            char c = s.charAt(i++);
            int b = c < ByteUnicode.CHAR_TO_BYTE.length ? ByteUnicode.CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                throw new IllegalStateException("character outside the byte map: " + c);
            }
            bytes.write(b);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
        return text.replace("</w>", " ");
    }
}
