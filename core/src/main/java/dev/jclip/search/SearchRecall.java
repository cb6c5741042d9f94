package dev.jclip.search;

import dev.jclip.Clip;
import dev.jclip.data.CocoCaptionsDataset;
import dev.jclip.runtime.Precision;
import dev.jclip.zeroshot.Vectors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The measurements behind docs/search.md's filter and hybrid tables (run by
 * {@code scripts/search-recall.sh}):
 * <ul>
 *   <li>{@code filtered N DIM QUERIES DIR [clustered|uniform]}: N synthetic unit vectors (as {@code clip
 *       bench --task search}: clustered by default, or uniform on the sphere), each with a width of {@code i % 100}; for no filter, a 10% and a 1% filter
 *       ({@code width:0..9}, {@code width:0..0}), recall@10 of the filtered HNSW search against the
 *       exact filtered scan, and both rates.</li>
 *   <li>{@code coco MODEL CAPTIONS_JSON IMAGES DIR STORED}: indexes the images with their first STORED
 *       captions, then asks text→image with every caption (vector, through HNSW and exact: the
 *       figures {@code clip eval retrieval} computes) and with the held-out captions (those not
 *       stored, so BM25 cannot match a query to itself) for vector, BM25 and hybrid ranking.</li>
 * </ul>
 */
public final class SearchRecall {
    private SearchRecall() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 5 && args[0].equals("filtered")) {
            filtered(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]),
                    args.length < 6 || !args[5].equals("uniform"));
        } else if (args.length >= 6 && args[0].equals("coco")) {
            coco(args[1], Path.of(args[2]), Path.of(args[3]), Path.of(args[4]), Integer.parseInt(args[5]));
        } else {
            System.err.println("usage: SearchRecall filtered N DIM QUERIES DIR | coco MODEL CAPTIONS_JSON IMAGES DIR STORED");
            System.exit(2);
        }
    }

    static void filtered(int n, int dim, int queries, Path dir, boolean clustered) throws IOException {
        Random rnd = new Random(42);
        float[][] centres = new float[clustered ? Math.max(16, n / 500) : 0][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = SearchBench.gaussian(rnd, dim, 1);
        }
        IndexSettings settings = new IndexSettings("synthetic", "synthetic-42-" + n + "-" + dim + (clustered ? "" : "-uniform"), "fp32", dim, Quantization.NONE);
        long t0 = System.nanoTime();
        boolean built = false;
        if (ImageIndex.exists(dir)) {
            try (ImageIndex old = ImageIndex.openReadOnly(dir)) {
                built = old.size() == n;
            }
            if (!built) { // a run killed before its commit: start again
                try (var files = java.nio.file.Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        try (ImageIndex index = ImageIndex.openForWriting(dir, settings)) {
            if (!built) {
                for (int i = 0; i < n; i++) {
                    index.add("/v/" + i, 0, 0, i % 100, 0, SearchBench.draw(rnd, centres, dim));
                }
                index.commit();
            } else {
                for (int i = 0; i < n; i++) {
                    SearchBench.draw(rnd, centres, dim); // same query stream as a fresh build
                }
            }
            System.out.printf(Locale.ROOT, "%s %d %s vectors of width %d in %.1f s%n", built ? "reused" : "built", index.size(),
                    clustered ? "clustered" : "uniform", dim,
                    (System.nanoTime() - t0) / 1e9);
            List<float[]> qs = new ArrayList<>();
            for (int q = 0; q < queries; q++) {
                qs.add(SearchBench.draw(rnd, centres, dim));
            }
            System.out.println("| filter | share | recall@10 | filtered HNSW q/s | exact filtered q/s | hits returned |");
            System.out.println("|---|---|---|---|---|---|");
            for (String where : new String[]{null, "width:0..9", "width:0..0"}) {
                SearchFilter f = where == null ? SearchFilter.none() : SearchFilter.parse(List.of(where));
                for (int w = 0; w < Math.min(10, qs.size()); w++) { // warm both paths
                    index.search(SearchRequest.vector(qs.get(w), 10).withFilter(f));
                    index.search(SearchRequest.vector(qs.get(w), 10).withFilter(f).withExact(true, -2f, ImageIndex.DEFAULT_CANDIDATES));
                }
                long h0 = System.nanoTime();
                List<List<Hit>> approx = new ArrayList<>();
                for (float[] q : qs) {
                    approx.add(index.search(SearchRequest.vector(q, 10).withFilter(f)));
                }
                double hq = qs.size() / ((System.nanoTime() - h0) / 1e9);
                long x0 = System.nanoTime();
                List<List<Hit>> exact = new ArrayList<>();
                for (float[] q : qs) {
                    exact.add(index.search(SearchRequest.vector(q, 10).withFilter(f).withExact(true, -2f, ImageIndex.DEFAULT_CANDIDATES)));
                }
                double xq = qs.size() / ((System.nanoTime() - x0) / 1e9);
                double found = 0;
                long returned = 0;
                for (int q = 0; q < qs.size(); q++) {
                    Set<Long> t = ids(exact.get(q));
                    t.retainAll(ids(approx.get(q)));
                    found += t.size();
                    returned += approx.get(q).size();
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %.4f | %.1f | %.1f | %.1f |%n", where == null ? "none" : where,
                        where == null ? "100%" : where.equals("width:0..9") ? "10%" : "1%", found / (qs.size() * 10.0), hq, xq,
                        returned / (double) qs.size());
            }
        }
    }

    private static Set<Long> ids(List<Hit> hits) {
        Set<Long> out = new HashSet<>();
        hits.forEach(h -> out.add(h.entry().id()));
        return out;
    }

    static void coco(String model, Path json, Path images, Path dir, int stored) throws IOException {
        CocoCaptionsDataset d = CocoCaptionsDataset.open(json, images);
        List<Path> files = d.imageFiles();
        List<List<String>> caps = d.captionsPerImage();
        Map<Path, List<String>> storedCaps = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            storedCaps.put(files.get(i).toAbsolutePath().normalize(), caps.get(i).subList(0, Math.min(stored, caps.get(i).size())));
        }
        Clip clip = Clip.load(model, Precision.FP32);
        IndexSettings settings = new IndexSettings(model, ModelFingerprint.of(model), "fp32", clip.config().embedDim(), Quantization.NONE);
        try (ImageIndex index = ImageIndex.openForWriting(dir, settings)) {
            IndexReport r = new Indexer(ImageEncoder.of(clip)).captions(p -> storedCaps.getOrDefault(p, List.of()), TextEncoder.of(clip))
                    .run(index, files);
            System.out.printf(Locale.ROOT, "indexed %d images with %d stored captions (%d truncated), %d bad%n", index.size(),
                    index.textCount(), r.truncated(), r.bad().size());
            Map<String, Path> byPath = new HashMap<>();
            files.forEach(f -> byPath.put(f.toAbsolutePath().normalize().toString(), f));
            List<String> all = new ArrayList<>(), heldOut = new ArrayList<>();
            List<String> allTarget = new ArrayList<>(), heldTarget = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                String target = files.get(i).toAbsolutePath().normalize().toString();
                for (int c = 0; c < caps.get(i).size(); c++) {
                    all.add(caps.get(i).get(c));
                    allTarget.add(target);
                    if (c >= stored) {
                        heldOut.add(caps.get(i).get(c));
                        heldTarget.add(target);
                    }
                }
            }
            Map<String, double[]> rows = new LinkedHashMap<>();
            rows.put("vector, HNSW, all " + all.size() + " captions", recall(index, clip, all, allTarget, Ranking.VECTOR, false));
            rows.put("vector, exact, all " + all.size() + " captions", recall(index, clip, all, allTarget, Ranking.VECTOR, true));
            rows.put("vector, HNSW, " + heldOut.size() + " held-out captions", recall(index, clip, heldOut, heldTarget, Ranking.VECTOR, false));
            rows.put("BM25, " + heldOut.size() + " held-out captions", recall(index, clip, heldOut, heldTarget, Ranking.BM25, false));
            for (double w : new double[]{1, 2, 4}) {
                rows.put("hybrid (RRF, BM25 weight " + (int) w + "), " + heldOut.size() + " held-out captions",
                        recall(index, clip, heldOut, heldTarget, Ranking.HYBRID, false, w));
            }
            System.out.println("| text → image | R@1 | R@5 | R@10 |");
            System.out.println("|---|---|---|---|");
            rows.forEach((k, v) -> System.out.printf(Locale.ROOT, "| %s | %.2f%% | %.2f%% | %.2f%% |%n", k, 100 * v[0], 100 * v[1], 100 * v[2]));
        }
    }

    /** Share of queries whose own image is among the first 1, 5 and 10 results. */
    private static double[] recall(ImageIndex index, Clip clip, List<String> queries, List<String> targets, Ranking ranking,
                                   boolean exact) throws IOException {
        return recall(index, clip, queries, targets, ranking, exact, 1);
    }

    private static double[] recall(ImageIndex index, Clip clip, List<String> queries, List<String> targets, Ranking ranking,
                                   boolean exact, double lexicalWeight) throws IOException {
        double[] hits = new double[3];
        for (int i = 0; i < queries.size(); i += 64) {
            List<String> chunk = queries.subList(i, Math.min(queries.size(), i + 64));
            float[][] v = ranking == Ranking.BM25 ? null : clip.encodeTexts(chunk);
            for (int j = 0; j < chunk.size(); j++) {
                SearchRequest r = new SearchRequest(v == null ? null : Vectors.normalized(v[j]),
                        ranking == Ranking.VECTOR ? null : chunk.get(j), Modality.IMAGE, SearchFilter.none(), 10, exact, -2f,
                        ImageIndex.DEFAULT_CANDIDATES, ranking, lexicalWeight);
                List<Hit> res = index.search(r);
                int rank = -1;
                for (int k = 0; k < res.size(); k++) {
                    if (res.get(k).entry().path().equals(targets.get(i + j))) {
                        rank = k;
                        break;
                    }
                }
                hits[0] += rank == 0 ? 1 : 0;
                hits[1] += rank >= 0 && rank < 5 ? 1 : 0;
                hits[2] += rank >= 0 ? 1 : 0;
            }
        }
        for (int k = 0; k < 3; k++) {
            hits[k] /= queries.size();
        }
        return hits;
    }
}
