package dev.jclip.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.embed.EmbeddingLayout;
import dev.jclip.embed.EmbeddingShards;
import dev.jclip.embed.MetadataRow;
import dev.jclip.runtime.Precision;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Builds (or extends) a search index from the output of {@code clip embed-dataset} without
 * re-embedding: every finished partition's image vectors go in under their source, with the
 * model and precision the job recorded, so the index refuses to mix them with another model's.
 */
public final class EmbeddingImport {
    /** What the job behind an embedding folder was: the settings its vectors belong to. */
    public record Job(String model, Precision precision, int dim) {
    }

    /** Counts of one import. */
    public record Report(int partitions, long added, long withoutImage, double seconds) {
    }

    private EmbeddingImport() {
    }

    /** Reads {@code _job.json}; precision {@code auto} is resolved as the job ran it on this kind of CPU. */
    public static Job job(Path dir) throws IOException {
        JsonNode n = new ObjectMapper().readTree(EmbeddingLayout.job(dir).toFile());
        if (n == null || !n.has("model") || !n.has("dim")) {
            throw new IOException(EmbeddingLayout.job(dir) + " is not a jclip embedding job description");
        }
        Precision p = Precision.parse(n.path("precision").asText("fp32"))
                .resolve(dev.jclip.runtime.TowerKind.imageTowerOf(n.get("model").asText()));
        return new Job(n.get("model").asText(), p, n.get("dim").asInt());
    }

    /**
     * The index key of a row: its file, or {@code shard!member} for a sample inside a shard, so
     * rows from different shards never collide.
     */
    public static String key(MetadataRow m) {
        return m.member() == null || m.member().isEmpty() ? m.source() : m.source() + "!" + m.member();
    }

    /** Adds every finished partition's image vectors to {@code index} and commits once per partition. */
    public static Report run(Path dir, ImageIndex index) throws IOException {
        long t0 = System.nanoTime();
        List<String> parts = EmbeddingShards.partitions(dir);
        long added = 0, without = 0;
        for (String part : parts) {
            EmbeddingShards.Shard s = EmbeddingShards.read(dir, part);
            if (s.images() == null) {
                without += s.meta().size();
                continue;
            }
            for (int i = 0; i < s.meta().size(); i++) {
                MetadataRow m = s.meta().get(i);
                // no modification time travels with a shard member: 0 marks "from embeddings"
                index.add(key(m), m.bytes(), 0L, m.width(), m.height(), s.images()[i]);
                added++;
            }
            index.commit();
        }
        return new Report(parts.size(), added, without, (System.nanoTime() - t0) / 1e9);
    }

    /** The index settings for a job's vectors. */
    public static IndexSettings settings(Job job, Quantization q) throws IOException {
        return new IndexSettings(ModelFingerprint.recordedName(job.model()), ModelFingerprint.of(job.model()),
                job.precision().name().toLowerCase(Locale.ROOT), job.dim(), q);
    }
}
