package dev.jclip.spark;

import dev.jclip.runtime.ComputeThreads;
import dev.jclip.Clip;
import dev.jclip.embed.EmbedJob;
import dev.jclip.embed.ModelHolder;
import dev.jclip.embed.Partition;
import dev.jclip.embed.PartitionEmbedder;
import dev.jclip.embed.PartitionResult;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.util.LongAccumulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/**
 * One Spark task: embeds one partition on an executor. The model comes from the per-JVM
 * {@link ModelHolder}, so an executor loads it once for all its tasks; libtorch gets
 * {@code threads} intra-op threads on this task's thread, so that concurrent tasks of an executor
 * together use the cores they were given, not a full set of threads each.
 */
final class EmbedTask implements Function<Partition, PartitionResult> {
    private final EmbedJob job;
    private final String shippedModel;
    private final int threads, decoders;
    private final int failOnce;
    private final LongAccumulator embedded;

    EmbedTask(EmbedJob job, String shippedModel, int threads, int decoders, String failOnce, LongAccumulator embedded) {
        this.embedded = embedded;
        this.job = job;
        this.shippedModel = shippedModel;
        this.threads = threads;
        this.decoders = decoders;
        this.failOnce = Integer.parseInt(failOnce);
    }

    @Override
    public PartitionResult call(Partition p) throws Exception {
        ComputeThreads.set(threads);
        String model = job.model();
        if (shippedModel != null) {
            Path local = Path.of(SparkFiles.get(shippedModel));
            if (Files.isRegularFile(local)) {
                model = local.toString();
            }
        }
        Clip clip = ModelHolder.get(model, job.precision());
        TaskContext tc = TaskContext.get();
        Runnable beforeCommit = () -> {
            if (p.index() == failOnce && tc != null && tc.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure of " + p.name() + " (attempt 0, before commit)");
            }
        };
        ExecutorService pool = PartitionEmbedder.decodePool(decoders);
        try {
            PartitionResult r = new PartitionEmbedder(clip, job, pool).run(p, n -> { }, beforeCommit);
            embedded.add(r.rows()); // the driver's progress bar hears it when this attempt succeeds
            return r;
        } finally {
            pool.shutdownNow();
        }
    }
}
