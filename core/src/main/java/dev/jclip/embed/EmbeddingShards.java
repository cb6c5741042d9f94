package dev.jclip.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads an embedding output folder back, partition by partition, without re-embedding (e.g. to
 * build a search index). Only finished partitions (with a marker) are read.
 */
public final class EmbeddingShards {
    private EmbeddingShards() {
    }

    /**
     * One embedded sample.
     *
     * @param image the image embedding (unnormalized, as the model returns it)
     * @param text  the caption embedding, or null (no --texts, or no caption)
     */
    public record Row(String partition, MetadataRow meta, float[] image, float[] text) {
    }

    /** One finished partition, its metadata and matrices aligned by row. */
    public record Shard(String partition, List<MetadataRow> meta, float[][] images, float[][] texts) {
        /** Row {@code i} as one record. */
        public Row row(int i) {
            MetadataRow m = meta.get(i);
            return new Row(partition, m, images[i], texts == null || m.caption() == null ? null : texts[i]);
        }
    }

    /** The finished partitions' names, sorted. */
    public static List<String> partitions(Path dir) throws IOException {
        if (!Files.isRegularFile(EmbeddingLayout.job(dir))) {
            throw new IOException(dir + " is not an embedding output folder (no _job.json)");
        }
        return EmbeddingLayout.finishedPartitions(dir);
    }

    /** Reads one finished partition. */
    public static Shard read(Path dir, String partition) throws IOException {
        if (!EmbeddingLayout.finished(dir, partition)) {
            throw new IOException(partition + " in " + dir + " is not finished (no marker)");
        }
        List<MetadataRow> meta = MetadataFile.read(EmbeddingLayout.metadata(dir, partition));
        float[][] img = NpyMatrix.read(EmbeddingLayout.images(dir, partition));
        Path t = EmbeddingLayout.texts(dir, partition);
        float[][] txt = Files.isRegularFile(t) ? NpyMatrix.read(t) : null;
        if (img.length != meta.size() || (txt != null && txt.length != meta.size())) {
            throw new IOException(partition + " in " + dir + ": " + meta.size() + " metadata rows but " + img.length
                    + " image rows" + (txt != null ? " and " + txt.length + " text rows" : ""));
        }
        return new Shard(partition, meta, img, txt);
    }

    /** Every row of every finished partition, in partition then row order, one partition in memory at a time. */
    public static void forEach(Path dir, Consumer<Row> sink) throws IOException {
        for (String p : partitions(dir)) {
            Shard s = read(dir, p);
            for (int i = 0; i < s.meta().size(); i++) {
                sink.accept(s.row(i));
            }
        }
    }

    /** All rows (small outputs and tests). */
    public static List<Row> readAll(Path dir) throws IOException {
        List<Row> out = new ArrayList<>();
        forEach(dir, out::add);
        return out;
    }
}
