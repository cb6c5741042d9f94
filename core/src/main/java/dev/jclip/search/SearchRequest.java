package dev.jclip.search;

import java.util.Objects;

/**
 * One search: the query embedding (null for a BM25-only search), the query's words for BM25
 * (null when it has none), which entries to look through, the metadata filter, and how to rank.
 *
 * @param vector        the query embedding (normalized by the index), or null for {@link Ranking#BM25}
 * @param words         text for BM25 over captions and file names, or null
 * @param modality      images (image embeddings) or texts (caption and text embeddings)
 * @param filter        conditions every result meets, applied inside the vector search
 * @param k             number of results
 * @param exact         scan every (matching) vector instead of walking the HNSW graph
 * @param threshold     drop results whose cosine is below this (vector and hybrid rankings)
 * @param candidates    HNSW beam, and the depth of each list that hybrid ranking fuses
 * @param ranking       vector, BM25 or their reciprocal rank fusion
 * @param lexicalWeight weight of the BM25 list in the fusion, the vector list having weight 1
 */
public record SearchRequest(float[] vector, String words, Modality modality, SearchFilter filter, int k, boolean exact,
                            float threshold, int candidates, Ranking ranking, double lexicalWeight) {
    /** Reciprocal rank fusion's constant (Cormack, Clarke and Büttcher 2009): 1 / (60 + rank). */
    public static final int RRF_K = 60;

    public SearchRequest {
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(ranking, "ranking");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1");
        }
        if (ranking != Ranking.BM25 && vector == null) {
            throw new IllegalArgumentException(ranking.label() + " ranking needs a query vector");
        }
        if (ranking != Ranking.VECTOR && (words == null || words.isBlank())) {
            throw new IllegalArgumentException(ranking.label() + " ranking needs query words (a text term)");
        }
        if (!(lexicalWeight >= 0) || Double.isInfinite(lexicalWeight)) {
            throw new IllegalArgumentException("the BM25 weight must be a number ≥ 0, not " + lexicalWeight);
        }
    }

    /** A plain vector search of the images: the request {@link ImageIndex#search(float[], int, boolean, float, int)} makes. */
    public static SearchRequest vector(float[] vector, int k) {
        return new SearchRequest(vector, null, Modality.IMAGE, SearchFilter.none(), k, false, -2f,
                ImageIndex.DEFAULT_CANDIDATES, Ranking.VECTOR, 1);
    }

    public SearchRequest withModality(Modality m) {
        return new SearchRequest(vector, words, m, filter, k, exact, threshold, candidates, ranking, lexicalWeight);
    }

    public SearchRequest withFilter(SearchFilter f) {
        return new SearchRequest(vector, words, modality, f, k, exact, threshold, candidates, ranking, lexicalWeight);
    }

    public SearchRequest withExact(boolean e, float thr, int beam) {
        return new SearchRequest(vector, words, modality, filter, k, e, thr, beam, ranking, lexicalWeight);
    }

    public SearchRequest withRanking(Ranking r, String w, double weight) {
        return new SearchRequest(vector, w, modality, filter, k, exact, threshold, candidates, r, weight);
    }
}
