package dev.jclip.embed;

import dev.jclip.Clip;
import dev.jclip.report.AtomicFiles;
import dev.jclip.util.ProgressBar;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * {@code clip embed-dataset}'s driver, the same for every engine: plans the partitions, claims
 * the output folder, hands the unfinished partitions to the engine, and writes the summary.
 */
public final class EmbedDataset {
    private EmbedDataset() {
    }

    /** The engine called {@code name} on the class path. */
    public static EmbedEngine engine(String name) {
        List<String> known = new ArrayList<>();
        for (EmbedEngine e : ServiceLoader.load(EmbedEngine.class)) {
            if (e.name().equals(name)) {
                return e;
            }
            known.add(e.name());
        }
        String hint = name.equals("spark")
                ? "; the spark engine is in the jclip-spark module: build it (mvn -B -DskipTests package) and run "
                + "./clip, which puts spark/target/jclip-spark.jar and spark/target/lib on the class path when present"
                : "";
        throw new IllegalArgumentException("no embedding engine '" + name + "' (available: " + known + ")" + hint);
    }

    /** Runs {@code job} on the named engine; progress and a report go to {@code log}. */
    public static EmbedSummary run(EmbedJob job, String engineName, Map<String, String> options, PrintStream log)
            throws Exception {
        EmbedEngine engine = engine(engineName);
        List<Partition> plan = Partitions.plan(job);
        if (plan.isEmpty()) {
            throw new IllegalArgumentException(job.data() + " holds no samples");
        }
        Clip clip = ModelHolder.get(job.model(), job.precision());
        Path dir = job.outDir();
        EmbeddingLayout.claim(job, clip.config().embedDim(), plan.size());
        List<Partition> pending = new ArrayList<>();
        long total = 0;
        for (Partition p : plan) {
            if (!EmbeddingLayout.finished(dir, p.name())) {
                pending.add(p);
                total += p.to() - p.from();
            }
        }
        int resumed = plan.size() - pending.size();
        if (resumed > 0) {
            log.printf("%d of %d partitions already finished in %s; embedding the other %d%n", resumed, plan.size(),
                    dir, pending.size());
        }
        long t0 = System.nanoTime();
        List<PartitionResult> results;
        try (ProgressBar bar = new ProgressBar("embed " + pending.size() + " partitions", total > 0 ? total : -1,
                "images", log)) {
            Map<String, String> opts = new java.util.HashMap<>(options);
            opts.put(EmbedEngine.PLANNED, Integer.toString(plan.size()));
            results = pending.isEmpty() ? List.of() : engine.run(job, pending, opts, bar::add);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long runImages = results.stream().mapToLong(PartitionResult::rows).sum();
        long rows = 0, skipped = 0;
        int finished = 0;
        List<String> corrupt = new ArrayList<>();
        for (Partition p : plan) {
            if (!EmbeddingLayout.finished(dir, p.name())) {
                continue;
            }
            PartitionResult r = EmbeddingLayout.readMarker(dir, p.name());
            finished++;
            rows += r.rows();
            skipped += r.skipped();
            if (r.shardError() != null) {
                corrupt.add(r.partition() + ": " + r.shardError());
            }
        }
        EmbedSummary s = new EmbedSummary(engine.name(), plan.size(), finished, resumed, rows, skipped, corrupt,
                seconds, runImages, seconds > 0 ? runImages / seconds : 0, engine.modelLoadSeconds());
        AtomicFiles.write(EmbeddingLayout.summary(dir), EmbeddingLayout.JSON.writeValueAsBytes(s));
        log.printf("%d/%d partitions finished: %d images embedded, %d bad samples skipped%s; this run %d images in "
                        + "%.1f s (%.1f images/s, engine %s)%n", finished, plan.size(), rows, skipped,
                corrupt.isEmpty() ? "" : ", " + corrupt.size() + " corrupt shard(s): " + corrupt, runImages, seconds,
                s.imagesPerSecond(), engine.name());
        if (!Double.isNaN(s.imagesPerSecondAfterLoad())) {
            log.printf("  of which model load %.1f s; %.1f images/s after it%n", s.modelLoadSeconds(), s.imagesPerSecondAfterLoad());
        }
        return s;
    }
}
