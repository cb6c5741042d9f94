package dev.jclip.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-pair encoding: the vocabulary (256 byte characters, the same with {@code </w>},
 * the 48,894 merges, then the two special tokens) and the merge loop of the reference
 * {@code SimpleTokenizer.bpe}, which repeatedly merges the lowest-ranked adjacent pair.
 */
final class Bpe {
    static final String RESOURCE = "bpe_simple_vocab_16e6.merges.gz";
    static final int MERGES = 48_894;
    private static final int CACHE_LIMIT = 100_000;

    private final Map<String, Integer> encoder = new HashMap<>();
    private final String[] decoder;
    private final Map<String, Integer> ranks = new HashMap<>();
    private final List<String> mergeLines;
    private final Map<String, String[]> cache = new ConcurrentHashMap<>();

    private Bpe(List<String> merges) {
        this.mergeLines = List.copyOf(merges);
        List<String> vocab = new ArrayList<>(49_408);
        for (char c : ByteUnicode.vocabularyOrder()) {
            vocab.add(String.valueOf(c));
        }
        for (char c : ByteUnicode.vocabularyOrder()) {
            vocab.add(c + "</w>");
        }
        for (int i = 0; i < merges.size(); i++) {
            String m = merges.get(i);
            int sp = m.indexOf(' ');
            if (sp <= 0 || sp == m.length() - 1) {
                throw new IllegalStateException("malformed merge line " + (i + 2) + ": '" + m + "'");
            }
            ranks.put(m, i);
            vocab.add(m.substring(0, sp) + m.substring(sp + 1));
        }
        vocab.add("<|startoftext|>");
        vocab.add("<|endoftext|>");
        decoder = vocab.toArray(new String[0]);
        for (int i = 0; i < decoder.length; i++) {
            encoder.put(decoder[i], i);
        }
        cache.put("<|startoftext|>", new String[]{"<|startoftext|>"});
        cache.put("<|endoftext|>", new String[]{"<|endoftext|>"});
    }

    static Bpe bundled() {
        try (InputStream in = Bpe.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the BPE vocabulary resource " + RESOURCE + " is missing from the classpath");
            }
            List<String> lines = new ArrayList<>(MERGES);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            }
            if (lines.size() != MERGES) {
                throw new IllegalStateException("expected " + MERGES + " merges, found " + lines.size());
            }
            return new Bpe(lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> merges() {
        return mergeLines;
    }

    int vocabSize() {
        return decoder.length;
    }

    String token(int id) {
        return decoder[id];
    }

    Integer id(String token) {
        return encoder.get(token);
    }

    /** The BPE pieces of one pre-token (already mapped to byte characters). */
    String[] apply(String token) {
        String[] hit = cache.get(token);
        if (hit != null) {
            return hit;
        }
        String[] result = merge(token);
        if (cache.size() < CACHE_LIMIT) {
            cache.put(token, result);
        }
        return result;
    }

    private String[] merge(String token) {
        int n = token.codePointCount(0, token.length());
        List<String> word = new ArrayList<>(n);
        token.codePoints().forEach(cp -> word.add(new String(Character.toChars(cp))));
        word.set(word.size() - 1, word.get(word.size() - 1) + "</w>");
        if (word.size() == 1) {
            return new String[]{word.get(0)};
        }
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            String first = null, second = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = ranks.get(word.get(i) + " " + word.get(i + 1));
                if (r != null && r < best) {
                    best = r;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            // merge every non-overlapping occurrence of the pair, left to right
            List<String> merged = new ArrayList<>(word.size());
            int i = 0;
            while (i < word.size()) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i += 2;
                } else {
                    merged.add(word.get(i));
                    i++;
                }
            }
            word.clear();
            word.addAll(merged);
        }
        return word.toArray(new String[0]);
    }
}
