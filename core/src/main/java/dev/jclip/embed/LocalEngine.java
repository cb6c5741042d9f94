package dev.jclip.embed;

import dev.jclip.runtime.ComputeThreads;
import dev.jclip.Clip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * One JVM running {@code pipelines} partitions at a time, each on a thread of its own with an
 * encoder of {@code threads} libtorch threads and a pool of {@code decode-threads} that decode a
 * few batches ahead of it. All pipelines share one loaded model.
 *
 * <p>By default there is one pipeline per core (or per planned partition, if fewer), each with a
 * 1-thread encoder, as Spark's {@code local[N]} runs its tasks; a single partition left over after
 * an even share runs last, with all the cores. For a small encoder on few cores
 * that beats one encoder spread over all cores: a multi-threaded matrix product waits at every
 * step for whichever of its threads a decoder pushed off its core, while independent pipelines
 * only slow down by the work they share the core with. Measured on 2 cores with a 64 px ViT: two
 * 1-thread benchmarks side by side ran 2,142 + 2,296 images/s, one 2-thread benchmark 2,870.
 *
 * <p>The last bits of a vector depend on how many threads its encoder had (libtorch splits its
 * sums by thread), so the layout follows from the options, the cores and the job's planned
 * partitions, never from how many are left: a resumed job computes its remaining partitions as
 * the first run would have.
 */
public final class LocalEngine implements EmbedEngine {
    private volatile double loadSeconds = Double.NaN;

    @Override
    public String name() {
        return "local";
    }

    @Override
    public double modelLoadSeconds() {
        return loadSeconds;
    }

    /** How the cores are split: concurrent partitions, libtorch threads and decode threads per partition. */
    record Layout(int pipelines, int threads, int decoders) {
        static Layout of(Map<String, String> options, int cores, int planned) {
            Integer p = intOption(options, "pipelines"), t = intOption(options, "threads");
            int pipelines = p != null ? p : t != null ? Math.max(1, cores / t) : Math.min(cores, planned);
            int threads = t != null ? t : Math.max(1, cores / pipelines);
            Integer d = intOption(options, "decode-threads");
            return new Layout(pipelines, threads, d != null ? Math.max(1, d) : threads);
        }

        /**
         * The layout of the job's last partition when the partitions leave exactly one over after
         * an even share among the pipelines: it runs after all the others, with every core. With 3
         * partitions on 2 cores the third ran alone on a 1-thread encoder, a quarter of a ViT-B/32
         * job's time with one core idle. Null otherwise, or when {@code --threads} was given.
         * Several leftover partitions keep their 1-thread encoders: OpenBLAS (this build's fp32
         * products, a pthreads pool, one per process) would make their multi-threaded products
         * queue for that one pool. Which partition it is depends only on the plan, so its vectors
         * do not depend on what a resumed run has left.
         */
        static Layout tail(Map<String, String> options, int cores, int planned) {
            Layout main = of(options, cores, planned);
            if (main.pipelines() < 2 || planned % main.pipelines() != 1 || options.containsKey("threads")) {
                return null;
            }
            Integer d = intOption(options, "decode-threads");
            return new Layout(1, cores, d != null ? Math.max(1, d) : cores);
        }

        private static Integer intOption(Map<String, String> options, String key) {
            String v = options.get(key);
            if (v == null) {
                return null;
            }
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException(key + " must be at least 1, not " + n);
            }
            return n;
        }
    }

    @Override
    public List<PartitionResult> run(EmbedJob job, List<Partition> pending, Map<String, String> options,
                                     LongConsumer progress) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int planned = Integer.parseInt(options.getOrDefault(EmbedEngine.PLANNED, Integer.toString(pending.size())));
        Layout layout = Layout.of(options, cores, planned), tail = Layout.tail(options, cores, planned);
        long l0 = System.nanoTime();
        Clip clip = ModelHolder.get(job.model(), job.precision());
        loadSeconds = (System.nanoTime() - l0) / 1e9;
        int tailFrom = tail == null ? planned : planned - tail.pipelines();
        List<PartitionResult> out = new ArrayList<>();
        out.addAll(runAll(clip, job, pending.stream().filter(p -> p.index() < tailFrom).toList(), layout, progress));
        if (tail != null) {
            out.addAll(runAll(clip, job, pending.stream().filter(p -> p.index() >= tailFrom).toList(), tail, progress));
        }
        return out;
    }

    private static List<PartitionResult> runAll(Clip clip, EmbedJob job, List<Partition> partitions, Layout layout,
                                                LongConsumer progress) throws Exception {
        if (partitions.isEmpty()) {
            return List.of();
        }
        List<Future<PartitionResult>> committed = Pipelines.run(layout.pipelines(), partitions,
                () -> new Pipeline(clip, job, layout, progress), "jclip-embed-pipeline");
        List<PartitionResult> out = new ArrayList<>();
        for (Future<PartitionResult> f : committed) {
            out.add(f.get()); // all done: the pipelines waited for their commits before closing
        }
        return out; // fewer pipelines ran than planned when fewer partitions were left
    }

    /**
     * One pipeline: an encoder on this thread, its decode pool, and a thread that writes each
     * partition while the next one is embedded (the files of one 5,000-image partition took 0.05 to
     * 0.15 s to write and force, the first one 0.6 to 0.95 s as Parquet's classes loaded, time the
     * encoder otherwise sat idle). At most one partition waits to be written.
     */
    private static final class Pipeline implements Pipelines.Worker<Partition, Future<PartitionResult>> {
        private final PartitionEmbedder embedder;
        private final LongConsumer progress;
        private final ExecutorService decoders, writer;
        private Future<PartitionResult> last;

        Pipeline(Clip clip, EmbedJob job, Layout layout, LongConsumer progress) {
            // on the pipeline's own thread: libtorch's OpenMP thread count belongs to the calling thread
            ComputeThreads.set(layout.threads());
            this.decoders = PartitionEmbedder.decodePool(layout.decoders());
            this.writer = PartitionEmbedder.daemonPool(1, "jclip-embed-write");
            this.embedder = new PartitionEmbedder(clip, job, decoders);
            this.progress = progress;
        }

        @Override
        public Future<PartitionResult> run(Partition p) throws Exception {
            PartitionEmbedder.Embedded e = embedder.embed(p, progress);
            awaitLast(); // a failed write stops the pipeline here, before the next one is queued
            last = writer.submit(() -> embedder.commit(e, () -> { }));
            return last;
        }

        private void awaitLast() throws Exception {
            if (last != null) {
                try {
                    last.get();
                } catch (ExecutionException x) {
                    throw x.getCause() instanceof Exception c ? c : x;
                }
            }
        }

        @Override
        public void close() throws Exception {
            try {
                awaitLast();
            } finally {
                decoders.shutdownNow();
                writer.shutdownNow();
            }
        }
    }
}
