package dev.jclip.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.search.Hit;
import dev.jclip.search.IndexEntry;
import dev.jclip.search.Modality;
import dev.jclip.search.Ranking;
import dev.jclip.search.SearchFilter;
import dev.jclip.search.SearchRequest;

import java.nio.file.Path;
import java.util.Map;

/**
 * The search options that {@code /knn-service} and {@code /api/search} share, in the same syntax
 * as {@code clip search}: {@code "modality": "image"|"text"}, {@code "where": ["FIELD:VALUE", ...]}
 * (see {@link SearchFilter}), {@code "hybrid": true} and {@code "hybrid_weight": W}.
 *
 * @param modality     images or texts
 * @param filter       the parsed conditions
 * @param hybrid       fuse BM25 over captions and file names with the vector ranking
 * @param hybridWeight the BM25 list's weight in the fusion
 */
record QueryOptions(Modality modality, SearchFilter filter, boolean hybrid, double hybridWeight) {
    /** At most this many conditions in one request. */
    static final int MAX_CONDITIONS = 16;

    static QueryOptions of(JsonNode req) {
        Modality m;
        try {
            m = Modality.parse(Json.string(req, "modality", "image"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        SearchFilter f;
        try {
            f = SearchFilter.parse(Json.strings(req, "where", MAX_CONDITIONS));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'where': " + e.getMessage());
        }
        double w = Json.number(req, "hybrid_weight", 1);
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw ApiError.badRequest("'hybrid_weight' must be a number ≥ 0");
        }
        return new QueryOptions(m, f, Json.bool(req, "hybrid", false), w);
    }

    /** The request for a query vector and the query's words (null when it has none). */
    SearchRequest request(float[] q, String words, int n, boolean exact, float threshold) {
        if (hybrid && (words == null || words.isBlank())) {
            throw ApiError.badRequest("'hybrid' needs a text in the query (its words are what BM25 looks for)");
        }
        return new SearchRequest(q, hybrid ? words : null, modality, filter, n, exact, threshold,
                dev.jclip.search.ImageIndex.DEFAULT_CANDIDATES, hybrid ? Ranking.HYBRID : Ranking.VECTOR, hybridWeight);
    }

    /** What a result says about its entry beyond id and score: captions, and for a text its text and the image it describes. */
    static void describe(Map<String, Object> r, Hit h) {
        IndexEntry e = h.entry();
        r.put("modality", e.modality().label());
        r.put("captions", e.captions());
        if (e.modality() == Modality.TEXT) {
            r.put("text", e.caption());
            r.put("source", e.source());
            r.put("image_id", e.imageId() >= 0 ? e.imageId() : null);
        }
    }

    /** The file name a result shows: the image's, or for a text the name of its source. */
    static String name(IndexEntry e) {
        String p = e.modality() == Modality.TEXT && e.source() != null ? e.source() : e.path();
        return Path.of(p).getFileName().toString();
    }
}
