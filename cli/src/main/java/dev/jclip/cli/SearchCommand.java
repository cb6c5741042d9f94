package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.Clip;
import dev.jclip.model.TowerSelection;
import dev.jclip.search.ClipQueryEncoder;
import dev.jclip.search.Duplicates;
import dev.jclip.search.Hit;
import dev.jclip.search.ImageIndex;
import dev.jclip.search.IndexEntry;
import dev.jclip.search.IndexSettings;
import dev.jclip.search.QueryEncoder;
import dev.jclip.search.QueryParser;
import dev.jclip.search.QueryTerm;
import dev.jclip.search.fetch.UrlFetcher;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip search}: text and image queries against an index, or near-duplicate groups. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search an index built by 'clip index'. A query is one or more terms joined by + or -, each "
                + "[WEIGHT:][text:|image:|id:|url:]VALUE; a VALUE naming an existing file is an image, a VALUE like "
                + "https://... an image fetched from there (public addresses only, see --allow-private-urls), otherwise text. "
                + "Example: clip search \"a dog\" + \"2:snow\" - ./dark.jpg",
                "With --duplicates (no query) lists groups of near-identical images."})
final class SearchCommand implements Callable<Integer> {
    @Mixin
    IndexOptions indexOptions;

    @Mixin
    IndexModelOptions modelOptions;

    @Option(names = "-n", defaultValue = "10", description = "Number of results (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--threshold", description = "Only results with cosine ≥ this (default: none; 0.95 with --duplicates).")
    Float threshold;

    @Option(names = "--exact", description = "Scan every vector (brute force) instead of the HNSW graph.")
    boolean exact;

    @Option(names = "--candidates", defaultValue = "" + ImageIndex.DEFAULT_CANDIDATES,
            description = "HNSW search beam (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--duplicates", description = "List groups of near-duplicate images instead of searching.")
    boolean duplicates;

    @Mixin
    RankingOptions ranking;

    static final class Format {
        @Option(names = "--json", description = "Results and timings as JSON.")
        boolean json;
        @Option(names = "--paths-only", description = "One path per line, nothing else.")
        boolean pathsOnly;
    }

    @ArgGroup(exclusive = true)
    Format format = new Format();

    @Option(names = "--quality", description = "Instead of a query: precision@n and mAP of the queries TEMPLATE(class) "
            + "for each class folder name in the index (e.g. --quality \"a photo of a {}.\").", paramLabel = "TEMPLATE")
    String quality;

    // query by URL (issue 24, item 3)
    @Mixin
    UrlFetchOption urlFetch;

    // terminal previews (issue 24, item 4)
    @Option(names = "--preview", description = "Draw each hit in the terminal (kitty graphics protocol, or iTerm2's "
            + "inline images in iTerm2 and WezTerm, chosen from the environment); elsewhere prints paths and says why.")
    boolean preview;

    @Option(names = "--preview-size", defaultValue = "128", description = "Preview side in pixels (default: ${DEFAULT-VALUE}).")
    int previewSize;

    @Parameters(arity = "0..*", paramLabel = "QUERY", description = "Query terms (see above); '+' and '-' are separate words.")
    List<String> query = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (n < 1) {
            throw new IllegalArgumentException("-n must be at least 1");
        }
        try (ImageIndex index = ImageIndex.openReadOnly(indexOptions.dir())) {
            if (duplicates) {
                if (!query.isEmpty()) {
                    throw new IllegalArgumentException("--duplicates takes no query");
                }
                return duplicates(index);
            }
            if (quality != null) {
                return quality(index);
            }
            if (query.isEmpty()) {
                throw new IllegalArgumentException("give a query (or --duplicates)");
            }
            List<QueryTerm> terms = QueryParser.parse(query);
            long t0 = System.nanoTime();
            boolean vectorless = ranking.ranking() == dev.jclip.search.Ranking.BM25; // BM25 alone needs no model
            TowerSelection towers = vectorless ? null : towersFor(terms);
            Clip clip = towers != null ? load(index.settings(), towers) : null;
            long t1 = System.nanoTime();
            QueryEncoder enc = new ClipQueryEncoder(clip, index,
                    new UrlFetcher(urlFetch.policy()));
            float[] q = vectorless ? null : QueryEncoder.combine(terms, enc);
            long t2 = System.nanoTime();
            List<Hit> hits = index.search(ranking.request(q, terms, n, exact, threshold != null ? threshold : -2f, candidates));
            long t3 = System.nanoTime();
            double loadMs = (t1 - t0) / 1e6, embedMs = (t2 - t1) / 1e6, searchMs = (t3 - t2) / 1e6;
            if (format.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("query", query);
                out.put("mode", exact ? "exact" : "hnsw");
                out.putAll(ranking.describe());
                List<Map<String, Object>> rs = new ArrayList<>();
                for (Hit h : hits) {
                    rs.add(result(h));
                }
                out.put("results", rs);
                out.put("timings_ms", Map.of("model_load", loadMs, "query_embedding", embedMs, "search", searchMs));
                out.put("model_loaded", describe(towers));
                System.out.println(new ObjectMapper().writeValueAsString(out));
            } else if (preview && !format.pathsOnly) { // terminal previews (issue 24, item 4)
                new TerminalPreview(previewSize).show(hits, TerminalPreview.choose(System.getenv(), System.console() != null),
                        System.out, System.err);
                System.err.printf(Locale.ROOT, "%d results; query embedding %.1f ms, search %.2f ms%n", hits.size(), embedMs, searchMs);
            } else {
                for (Hit h : hits) {
                    System.out.println(format.pathsOnly ? h.entry().path() : RankingOptions.line(h));
                }
                if (!format.pathsOnly) {
                    System.err.printf(Locale.ROOT, "%d results; model load %.0f ms%s, query embedding %.1f ms, %s search %.2f ms%n",
                            hits.size(), loadMs, " (" + describe(towers) + ")", embedMs,
                            exact ? "exact" : "HNSW", searchMs);
                }
            }
        }
        return 0;
    }

    static Map<String, Object> result(Hit h) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", h.entry().id());
        r.put("path", h.entry().path());
        r.put("score", h.score());
        r.put("width", h.entry().width());
        r.put("height", h.entry().height());
        RankingOptions.put(r, h);
        return r;
    }

    /** The towers a query's terms need, or null when every term is an indexed image. */
    static TowerSelection towersFor(List<QueryTerm> terms) {
        boolean text = terms.stream().anyMatch(t -> t.kind() == QueryTerm.Kind.TEXT);
        boolean image = terms.stream().anyMatch(t -> t.kind() == QueryTerm.Kind.IMAGE || t.kind() == QueryTerm.Kind.URL);
        return text || image ? TowerSelection.forInputs(text, image) : null;
    }

    private static String describe(TowerSelection t) {
        if (t == null) {
            return "none needed";
        }
        return switch (t) {
            case BOTH -> "both towers";
            case TEXT -> "text tower only";
            case IMAGE -> "image tower only";
        };
    }

    private Clip load(IndexSettings s, TowerSelection towers) throws Exception {
        return Clip.load(modelOptions.resolve(s, indexOptions.dir()), modelOptions.precision(s), towers);
    }

    private int quality(ImageIndex index) throws Exception {
        if (!quality.contains("{}")) {
            throw new IllegalArgumentException("--quality takes a template with {} for the class name");
        }
        java.util.TreeMap<String, String> queries = new java.util.TreeMap<>();
        index.forEachVector((e, v) -> {
            java.nio.file.Path parent = java.nio.file.Path.of(e.path()).getParent();
            String c = parent == null ? "" : parent.getFileName().toString();
            queries.put(c, quality.replace("{}", c));
        });
        Clip clip = load(index.settings(), TowerSelection.TEXT);
        var r = dev.jclip.search.SearchQuality.run(index, queries, t -> clip.encodeTexts(List.of(t))[0], n);
        if (format.json) {
            System.out.println(new ObjectMapper().writeValueAsString(r));
            return 0;
        }
        System.out.printf(Locale.ROOT, "%-16s %8s %8s %8s%n", "class", "P@" + n, "AP", "images");
        for (var c : r.classes()) {
            System.out.printf(Locale.ROOT, "%-16s %8.4f %8.4f %8d%n", c.className(), c.precisionAtK(), c.averagePrecision(), c.relevant());
        }
        System.out.printf(Locale.ROOT, "%-16s %8.4f %8.4f   (exact search, query \"%s\")%n", "mean", r.meanPrecisionAtK(),
                r.meanAveragePrecision(), quality);
        return 0;
    }

    private int duplicates(ImageIndex index) throws Exception {
        float thr = threshold != null ? threshold : 0.95f;
        List<Duplicates.Group> groups = Duplicates.find(index, thr, 10, exact);
        if (format.json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Duplicates.Group g : groups) {
                out.add(Map.of("min_score", g.minScore(), "paths", g.members().stream().map(IndexEntry::path).toList()));
            }
            System.out.println(new ObjectMapper().writeValueAsString(Map.of("threshold", thr, "groups", out)));
            return 0;
        }
        for (Duplicates.Group g : groups) {
            if (!format.pathsOnly) {
                System.out.printf(Locale.ROOT, "group of %d (cosine >= %.4f):%n", g.members().size(), g.minScore());
            }
            for (IndexEntry e : g.members()) {
                System.out.println((format.pathsOnly ? "" : "  ") + e.path());
            }
            if (format.pathsOnly) {
                System.out.println();
            }
        }
        if (!format.pathsOnly) {
            System.err.printf(Locale.ROOT, "%d groups of near-duplicates at cosine >= %.2f%n", groups.size(), thr);
        }
        return 0;
    }
}
