package dev.jclip.cli;

import dev.jclip.search.Hit;
import dev.jclip.search.Modality;
import dev.jclip.search.QueryTerm;
import dev.jclip.search.Ranking;
import dev.jclip.search.SearchFilter;
import dev.jclip.search.SearchRequest;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code clip search}'s options for what to search (images or texts), filters and the ranking. */
final class RankingOptions {
    @Option(names = "--modality", defaultValue = "image", paramLabel = "image|text",
            description = "Search the images or the texts (captions and text collections) (default: ${DEFAULT-VALUE}).")
    String modality;

    @Option(names = "--where", paramLabel = "FIELD:VALUE",
            description = "Only entries that match, applied inside the HNSW search; repeatable, all must hold. Fields: "
                    + "path:/photos/2023 (prefix) or path:'cats/*.jpg' (glob; ** crosses folders), ext:jpg,png, "
                    + "width:640.. / height:..1080 / width:100..200, mtime:2024-01-01..2024-06-30 (UTC days), "
                    + "caption:dog,snow (every word).")
    List<String> where = new ArrayList<>();

    @Option(names = "--hybrid", description = "Rank by reciprocal rank fusion of the vector ranking and BM25 over "
            + "captions and file names (the query's text terms are the words).")
    boolean hybrid;

    @Option(names = "--bm25", description = "Rank by BM25 over captions and file names only (no model needed).")
    boolean bm25;

    @Option(names = "--hybrid-weight", defaultValue = "1", paramLabel = "W",
            description = "Weight of the BM25 ranking in --hybrid, the vector ranking having 1 (default: ${DEFAULT-VALUE}).")
    double hybridWeight;

    Ranking ranking() {
        if (hybrid && bm25) {
            throw new IllegalArgumentException("give --hybrid or --bm25, not both");
        }
        return hybrid ? Ranking.HYBRID : bm25 ? Ranking.BM25 : Ranking.VECTOR;
    }

    /** The filter; a relative path prefix is taken relative to the working directory (the index holds absolute paths). */
    SearchFilter filter() {
        List<String> resolved = new ArrayList<>();
        for (String w : where) {
            String v = w.startsWith("path:") ? w.substring(5).strip() : null;
            if (v != null && !v.isEmpty() && !v.startsWith("/") && v.chars().noneMatch(c -> c == '*' || c == '?' || c == '[')) {
                String abs = Path.of(v).toAbsolutePath().normalize().toString();
                resolved.add("path:" + abs + (v.endsWith("/") ? "/" : ""));
            } else {
                resolved.add(w);
            }
        }
        return SearchFilter.parse(resolved);
    }

    /** The words BM25 looks for: the query's text terms with a positive weight. */
    static String words(List<QueryTerm> terms) {
        return terms.stream().filter(t -> t.kind() == QueryTerm.Kind.TEXT && t.weight() > 0).map(QueryTerm::value)
                .collect(Collectors.joining(" "));
    }

    SearchRequest request(float[] vector, List<QueryTerm> terms, int n, boolean exact, float threshold, int candidates) {
        Ranking r = ranking();
        String words = words(terms);
        if (r != Ranking.VECTOR && words.isBlank()) {
            throw new IllegalArgumentException("--" + r.label() + " needs a text term in the query (its words are what BM25 looks for)");
        }
        return new SearchRequest(vector, words.isBlank() ? null : words, Modality.parse(modality), filter(), n, exact,
                threshold, candidates, r, hybridWeight);
    }

    /** One result line: score, path, and the captions (a text's own text). */
    static String line(Hit h) {
        String caps = String.join(" | ", h.entry().captions());
        return String.format(java.util.Locale.ROOT, "%.4f  %s%s", h.score(), h.entry().path(), caps.isEmpty() ? "" : "  \"" + caps + "\"");
    }

    static void put(Map<String, Object> r, Hit h) {
        r.put("modality", h.entry().modality().label());
        r.put("captions", h.entry().captions());
        if (h.entry().modality() == Modality.TEXT) {
            r.put("text", h.entry().caption());
            r.put("source", h.entry().source());
            if (h.entry().imageId() >= 0) {
                r.put("image_id", h.entry().imageId());
            }
        }
    }

    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("modality", modality);
        m.put("where", where);
        m.put("ranking", ranking().label());
        if (ranking() == Ranking.HYBRID) {
            m.put("hybrid_weight", hybridWeight);
        }
        return m;
    }
}
