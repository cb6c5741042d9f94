package dev.jclip.search;

import java.util.Locale;

/**
 * How a search orders its results: by the embedding's cosine (HNSW or exact), by BM25 over the
 * captions and file names, or by reciprocal rank fusion of the two.
 */
public enum Ranking {
    VECTOR, BM25, HYBRID;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Ranking parse(String s) {
        for (Ranking r : values()) {
            if (r.label().equalsIgnoreCase(s.strip())) {
                return r;
            }
        }
        throw new IllegalArgumentException("ranking '" + s + "': use vector, bm25 or hybrid");
    }
}
