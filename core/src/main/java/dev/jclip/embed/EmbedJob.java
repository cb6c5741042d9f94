package dev.jclip.embed;

import dev.jclip.data.DataSources;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * What {@code clip embed-dataset} does, independent of the engine that runs it. Plain strings and
 * numbers only, so that Spark can ship it to executors.
 *
 * @param data          file, folder, shard pattern(s) or manifest (as {@link DataSources} reads them)
 * @param dataType      dataset type or "auto"
 * @param classNames    class names (bundled name or file) or null
 * @param csvImageKey   image-path column of CSV/TSV manifests
 * @param csvCaptionKey caption column of CSV/TSV manifests
 * @param cocoImages    image folder of a COCO captions file, or null for the default
 * @param out           output folder
 * @param model         released model name or checkpoint path
 * @param precision     fp32, bf16, int8 or auto
 * @param batchSize     images per encoder call
 * @param texts         also embed captions (where the data has them)
 * @param fp16          store embeddings as float16 instead of float32
 * @param partitionSize samples per partition of random-access datasets (shards are partitions as they are)
 */
public record EmbedJob(String data, String dataType, String classNames, String csvImageKey, String csvCaptionKey,
                       String cocoImages, String out, String model, String precision, int batchSize, boolean texts,
                       boolean fp16, int partitionSize) implements Serializable {
    public EmbedJob {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize);
        }
        if (partitionSize < 1) {
            throw new IllegalArgumentException("partition size " + partitionSize);
        }
    }

    /** A job with the defaults: auto-detected type, fp32, batch 32, images only, float32, 10,000 per partition. */
    public static EmbedJob of(String data, Path out, String model) {
        return new EmbedJob(data, "auto", null, "filepath", "title", null, out.toString(), model, "fp32", 32, false,
                false, 10_000);
    }

    public EmbedJob withPrecision(String p) {
        return new EmbedJob(data, dataType, classNames, csvImageKey, csvCaptionKey, cocoImages, out, model, p,
                batchSize, texts, fp16, partitionSize);
    }

    public EmbedJob withBatchSize(int b) {
        return new EmbedJob(data, dataType, classNames, csvImageKey, csvCaptionKey, cocoImages, out, model, precision,
                b, texts, fp16, partitionSize);
    }

    public EmbedJob withTexts(boolean t) {
        return new EmbedJob(data, dataType, classNames, csvImageKey, csvCaptionKey, cocoImages, out, model, precision,
                batchSize, t, fp16, partitionSize);
    }

    public EmbedJob withFp16(boolean f) {
        return new EmbedJob(data, dataType, classNames, csvImageKey, csvCaptionKey, cocoImages, out, model, precision,
                batchSize, texts, f, partitionSize);
    }

    public EmbedJob withPartitionSize(int n) {
        return new EmbedJob(data, dataType, classNames, csvImageKey, csvCaptionKey, cocoImages, out, model, precision,
                batchSize, texts, fp16, n);
    }

    public EmbedJob withModel(String m) {
        return new EmbedJob(data, dataType, classNames, csvImageKey, csvCaptionKey, cocoImages, out, m, precision,
                batchSize, texts, fp16, partitionSize);
    }

    public EmbedJob withData(String d, String type) {
        return new EmbedJob(d, type, classNames, csvImageKey, csvCaptionKey, cocoImages, out, model, precision,
                batchSize, texts, fp16, partitionSize);
    }

    public EmbedJob withSourceOptions(String classNamesOrNull, String imageKey, String captionKey, String cocoImagesOrNull) {
        return new EmbedJob(data, dataType, classNamesOrNull, imageKey, captionKey, cocoImagesOrNull, out, model,
                precision, batchSize, texts, fp16, partitionSize);
    }

    public Path outDir() {
        return Path.of(out);
    }

    /** The dataset as {@link DataSources} opens it. */
    public DataSources.Spec spec() {
        return new DataSources.Spec(data, dataType, "train", classNames, csvImageKey, csvCaptionKey,
                cocoImages == null ? null : Path.of(cocoImages), -1);
    }
}
