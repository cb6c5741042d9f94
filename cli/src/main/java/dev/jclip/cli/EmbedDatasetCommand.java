package dev.jclip.cli;

import dev.jclip.embed.EmbedDataset;
import dev.jclip.embed.EmbedJob;
import dev.jclip.embed.EmbedSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip embed-dataset}: embed a whole dataset into partitioned, resumable output (docs/embed-dataset.md). */
@Command(name = "embed-dataset", mixinStandardHelpOptions = true,
        description = {"Embed every image of a dataset (and its captions with --texts) into OUT: per partition a "
                + "Parquet metadata file, .npy embedding matrices and a _SUCCESS marker. A rerun skips finished "
                + "partitions. See docs/embed-dataset.md for the layout."})
final class EmbedDatasetCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--data", required = true, description = "Class folders, CSV/TSV manifest, WebDataset shards "
            + "(brace patterns, comma lists) or COCO captions json.")
    String data;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--engine", defaultValue = "local", description = "local or spark (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--batch-size", defaultValue = "32", description = "Images per encoder call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--texts", description = "Also embed captions where the data has them.")
    boolean texts;

    @Option(names = "--fp16", description = "Store embeddings as float16 (default float32).")
    boolean fp16;

    @Option(names = "--partition-size", defaultValue = "10000",
            description = "Samples per partition for folders, manifests and COCO (shards are partitions as they are; "
                    + "default: ${DEFAULT-VALUE}).")
    int partitionSize;

    @Mixin
    DataSpecOptions dataSpec;

    @Option(names = "--images", description = "Image folder of a COCO captions file.")
    Path cocoImages;

    @Option(names = "--pipelines", description = "local: partitions embedded at once, each with its own encoder "
            + "threads and decoders (default: one per core, or cores / --threads).")
    Integer pipelines;

    @Option(names = "--decode-threads", description = "Image decoding threads (local: per pipeline; default: as --threads).")
    Integer decodeThreads;

    @Option(names = "--master", description = "spark: master URL, e.g. local[2] (default: the one spark-submit sets, "
            + "else local[*]).")
    String master;

    @Option(names = "--conf", description = "spark: extra Spark settings KEY=VALUE (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        EmbedJob job = EmbedJob.of(data, out, model.model).withData(data, dataSpec.type).withPrecision(model.precision().label())
                .withBatchSize(batchSize).withTexts(texts).withFp16(fp16).withPartitionSize(partitionSize)
                .withSourceOptions(dataSpec.classNames, dataSpec.csvImageKey, dataSpec.csvCaptionKey,
                        cocoImages == null ? null : cocoImages.toString());
        Map<String, String> opts = new LinkedHashMap<>();
        if (model.threads.threads > 0) {
            opts.put("threads", Integer.toString(model.threads.threads));
        }
        if (pipelines != null) {
            opts.put("pipelines", pipelines.toString());
        }
        if (decodeThreads != null) {
            opts.put("decode-threads", decodeThreads.toString());
        }
        if (master != null) {
            opts.put("master", master);
        }
        conf.forEach((k, v) -> opts.put("conf." + k, v));
        EmbedSummary s = EmbedDataset.run(job, engine, opts, System.err);
        System.out.printf("%s: %d images in %d/%d partitions, %d skipped; summary in %s%n", out, s.rows(), s.finished(),
                s.partitions(), s.skipped(), out.resolve("_summary.json"));
        return s.finished() == s.partitions() ? 0 : 1;
    }
}
