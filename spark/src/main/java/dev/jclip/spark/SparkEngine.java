package dev.jclip.spark;

import dev.jclip.embed.EmbedEngine;
import dev.jclip.embed.EmbedJob;
import dev.jclip.embed.Partition;
import dev.jclip.embed.PartitionResult;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Runs embed-dataset's partitions as Spark tasks, one task per partition (an input shard, or a
 * range of a random-access dataset). Each task runs the same {@link dev.jclip.embed.PartitionEmbedder}
 * as the local engine and commits its files itself (atomic renames, marker last), so a retried or
 * speculative attempt rewrites identical files and the output has neither duplicates nor gaps.
 *
 * <p>Options: {@code master} (else the one spark-submit set, else {@code local[*]}), {@code threads}
 * (libtorch threads per task, default {@code spark.task.cpus}), {@code decode-threads} (default
 * the same), and {@code conf.KEY} for any Spark setting.
 */
public final class SparkEngine implements EmbedEngine {
    /** Test seam: the first attempt of this partition index fails just before it commits. */
    public static final String FAIL_ONCE = "spark.jclip.test.failOncePartition";

    /** Feeds the progress bar as tasks succeed: the rows each successful attempt added to the accumulator. */
    private static final class Progress extends SparkListener {
        private final long accumulator;
        private final LongConsumer progress;

        Progress(long accumulator, LongConsumer progress) {
            this.accumulator = accumulator;
            this.progress = progress;
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (!end.taskInfo().successful()) {
                return; // a failed attempt's rows are redone by its retry
            }
            end.taskInfo().accumulables().foreach(a -> {
                if (a.id() == accumulator && a.update().isDefined()) {
                    progress.accept(((Number) a.update().get()).longValue());
                }
                return null;
            });
        }
    }

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public List<PartitionResult> run(EmbedJob job, List<Partition> pending, Map<String, String> options,
                                     LongConsumer progress) {
        SparkConf conf = new SparkConf().setAppName("jclip embed-dataset " + job.data());
        if (options.containsKey("master")) {
            conf.setMaster(options.get("master"));
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        conf.setIfMissing("spark.log.level", "WARN"); // Spark's INFO lines would bury the progress bar
        options.forEach((k, v) -> {
            if (k.startsWith("conf.")) {
                conf.set(k.substring(5), v);
            }
        });
        if (conf.get("spark.master").startsWith("local")) {
            // a job inside one JVM has nobody to show the web UI to, and starting it cost about
            // 2 s of a 25 s run (conf.spark.ui.enabled=true brings it back)
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        // the engine owns its context for the job's length (one per JVM: Spark allows no second)
        JavaSparkContext jsc = new JavaSparkContext(conf);
        SparkContext sc = jsc.sc();
        try {
            int threads = Integer.parseInt(options.getOrDefault("threads", sc.conf().get("spark.task.cpus", "1")));
            int decoders = Integer.parseInt(options.getOrDefault("decode-threads", Integer.toString(threads)));
            String model = job.model();
            String shipped = null;
            Path modelFile = Path.of(model);
            if (!sc.isLocal() && Files.isRegularFile(modelFile)) {
                // executors on other machines get the checkpoint through Spark's file server
                sc.addFile(modelFile.toAbsolutePath().toString());
                shipped = modelFile.getFileName().toString();
            }
            LongAccumulator embedded = sc.longAccumulator("jclip embedded images");
            sc.addSparkListener(new Progress(embedded.id(), progress));
            EmbedTask task = new EmbedTask(job, shipped, threads, decoders, sc.conf().get(FAIL_ONCE, "-1"), embedded);
            return jsc.parallelize(pending, pending.size()).map(task).collect();
        } finally {
            jsc.stop();
        }
    }
}
