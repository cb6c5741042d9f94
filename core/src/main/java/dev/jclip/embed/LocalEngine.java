package dev.jclip.embed;

import dev.jclip.tensor.ComputeThreads;
import dev.jclip.Clip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;

/**
 * One JVM: partitions run one after another; within a partition images are decoded on a pool of
 * worker threads while the encoder (with libtorch's intra-op threads) works on the batch before.
 * Options: {@code threads} (libtorch threads, default all cores) and {@code decode-threads}
 * (default the same).
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

    @Override
    public List<PartitionResult> run(EmbedJob job, List<Partition> pending, Map<String, String> options,
                                     LongConsumer progress) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Integer.parseInt(options.getOrDefault("threads", Integer.toString(cores)));
        int decoders = Integer.parseInt(options.getOrDefault("decode-threads", Integer.toString(threads)));
        ComputeThreads.set(threads);
        long l0 = System.nanoTime();
        Clip clip = ModelHolder.get(job.model(), job.precision());
        loadSeconds = (System.nanoTime() - l0) / 1e9;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, decoders), r -> {
            Thread t = new Thread(r, "jclip-embed-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            PartitionEmbedder e = new PartitionEmbedder(clip, job, pool);
            List<PartitionResult> out = new ArrayList<>();
            for (Partition p : pending) {
                out.add(e.run(p, progress));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
