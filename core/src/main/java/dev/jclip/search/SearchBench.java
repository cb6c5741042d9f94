package dev.jclip.search;

import dev.jclip.zeroshot.Vectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code clip bench --task search}: builds an index of synthetic unit vectors and measures HNSW
 * against exact search: recall@k (the share of the exact top k that HNSW returns) and queries per
 * second of both. Vectors are either uniform on the sphere (no structure: the hardest case for a
 * graph index) or clustered (a mixture of Gaussians around random centres, closer to real
 * embeddings, which gather by content); queries are fresh draws from the same distribution.
 */
public final class SearchBench {
    private SearchBench() {
    }

    public record Spec(int size, int dim, int queries, int exactQueries, int k, int candidates,
                       Quantization quantization, boolean clustered, long seed, int threads) {
        public Spec(int size, int dim, int queries, int exactQueries, int k, int candidates,
                    Quantization quantization, boolean clustered, long seed) {
            this(size, dim, queries, exactQueries, k, candidates, quantization, clustered, seed, 1);
        }
    }

    public record Result(Spec spec, double buildSeconds, double recall, double hnswQps, double exactQps) {
        public String json() {
            return String.format(java.util.Locale.ROOT,
                    "{\"task\":\"search\",\"vectors\":%d,\"dim\":%d,\"distribution\":\"%s\",\"quantization\":\"%s\","
                            + "\"k\":%d,\"candidates\":%d,\"build_s\":%.2f,\"recall_at_k\":%.4f,\"hnsw_qps\":%.1f,"
                            + "\"exact_qps\":%.2f,\"speedup\":%.1f,\"build_threads\":%d}",
                    spec.size, spec.dim, spec.clustered ? "clustered" : "uniform", spec.quantization.label(), spec.k,
                    spec.candidates, buildSeconds, recall, hnswQps, exactQps, hnswQps / exactQps, spec.threads);
        }
    }

    public static Result run(Spec spec, Path workDir, Consumer<String> log) throws IOException {
        return run(spec, new int[]{spec.candidates}, workDir, log).get(0);
    }

    /**
     * Builds the index once and measures each search beam in {@code beams} on it (the spec's own
     * {@code candidates} is ignored): one result per beam, all with the same build time and
     * exact-search truth. At 10⁶ vectors a build takes tens of minutes, so beams are compared on one.
     */
    public static List<Result> run(Spec spec, int[] beams, Path workDir, Consumer<String> log) throws IOException {
        Random rnd = new Random(spec.seed);
        float[][] centres = new float[spec.clustered ? Math.max(16, spec.size / 500) : 0][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = gaussian(rnd, spec.dim, 1);
        }
        Path dir = Files.createTempDirectory(workDir, "search-bench");
        IndexSettings settings = new IndexSettings("synthetic", "synthetic-" + spec.seed, "fp32", spec.dim, spec.quantization);
        long t0 = System.nanoTime();
        // with several threads, a buffer that holds every vector: one segment (graph) per thread, no merges
        double ramMB = spec.threads > 1 ? Math.min(8000, 256 + spec.size * (spec.dim * 4.0 + 400) / 1e6 * 1.5) : 256;
        try (ImageIndex index = ImageIndex.openForWriting(dir, settings, ramMB)) {
            add(index, spec, rnd, centres, log);
            index.commit();
            double build = (System.nanoTime() - t0) / 1e9;
            List<float[]> queries = new ArrayList<>();
            for (int q = 0; q < spec.queries; q++) {
                queries.add(draw(rnd, centres, spec.dim));
            }
            // warm both paths (JIT, page cache) before timing
            for (int q = 0; q < Math.min(10, queries.size()); q++) {
                index.search(queries.get(q), spec.k, false, -2, beams[0]);
                index.search(queries.get(q), spec.k, true, -2, beams[0]);
            }
            int nExact = Math.min(spec.exactQueries, queries.size());
            long x0 = System.nanoTime();
            List<Set<Long>> truth = new ArrayList<>();
            for (int q = 0; q < nExact; q++) {
                truth.add(ids(index.search(queries.get(q), spec.k, true, -2, beams[0])));
            }
            double exactQps = nExact / ((System.nanoTime() - x0) / 1e9);
            List<Result> out = new ArrayList<>();
            for (int beam : beams) {
                long h0 = System.nanoTime();
                List<Set<Long>> approx = new ArrayList<>();
                for (float[] q : queries) {
                    approx.add(ids(index.search(q, spec.k, false, -2, beam)));
                }
                double hnswQps = queries.size() / ((System.nanoTime() - h0) / 1e9);
                double found = 0;
                for (int q = 0; q < nExact; q++) {
                    Set<Long> t = new HashSet<>(truth.get(q));
                    t.retainAll(approx.get(q));
                    found += t.size();
                }
                Spec s = new Spec(spec.size, spec.dim, spec.queries, spec.exactQueries, spec.k, beam, spec.quantization,
                        spec.clustered, spec.seed, spec.threads);
                out.add(new Result(s, build, found / (nExact * (double) spec.k), hnswQps, exactQps));
            }
            return out;
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Draws the vectors in order on this thread (so the set depends only on the seed) and inserts them on {@code threads}. */
    private static void add(ImageIndex index, Spec spec, Random rnd, float[][] centres, Consumer<String> log) throws IOException {
        if (spec.threads <= 1) {
            for (int i = 0; i < spec.size; i++) {
                index.add("v" + i, 0, 0, 0, 0, draw(rnd, centres, spec.dim));
                if ((i + 1) % 100_000 == 0) {
                    log.accept("  added " + (i + 1) + " vectors");
                }
            }
            return;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(spec.threads);
        java.util.concurrent.Semaphore ahead = new java.util.concurrent.Semaphore(4096);
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        try {
            for (int i = 0; i < spec.size && failed.get() == null; i++) {
                String key = "v" + i;
                float[] v = draw(rnd, centres, spec.dim);
                ahead.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        index.add(key, 0, 0, 0, 0, v);
                        if (done.incrementAndGet() % 100_000 == 0) {
                            log.accept("  added " + done.get() + " vectors");
                        }
                    } catch (Throwable t) {
                        failed.compareAndSet(null, t);
                    } finally {
                        ahead.release();
                    }
                });
            }
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(7, java.util.concurrent.TimeUnit.DAYS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (failed.get() != null) {
            throw new IOException("adding vectors failed", failed.get());
        }
    }

    private static Set<Long> ids(List<Hit> hits) {
        Set<Long> out = new HashSet<>();
        hits.forEach(h -> out.add(h.entry().id()));
        return out;
    }

    static float[] draw(Random rnd, float[][] centres, int dim) {
        if (centres.length == 0) {
            return Vectors.normalized(gaussian(rnd, dim, 1));
        }
        float[] c = Vectors.normalized(centres[rnd.nextInt(centres.length)]);
        float[] v = gaussian(rnd, dim, (float) (0.6 / Math.sqrt(dim)));
        for (int i = 0; i < dim; i++) {
            v[i] += c[i];
        }
        return Vectors.normalized(v);
    }

    static float[] gaussian(Random rnd, int dim, float sigma) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian() * sigma;
        }
        return v;
    }
}
