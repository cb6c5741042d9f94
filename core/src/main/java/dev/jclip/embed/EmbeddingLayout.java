package dev.jclip.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.report.AtomicFiles;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of an embedding output folder (docs/embed-dataset.md):
 * <pre>
 * _job.json                 model, precision, data, dimension: a rerun must match it
 * part-00000.parquet        metadata, one row per embedded sample
 * part-00000.image.npy      image embeddings [rows, dim], float32 (or float16)
 * part-00000.text.npy       caption embeddings [rows, dim] (with --texts and captions)
 * part-00000._SUCCESS       the partition's counts (JSON); written last, so its presence means done
 * _summary.json             totals of the run
 * </pre>
 * Every file appears by an atomic rename of a hidden temporary sibling, so a killed run leaves
 * finished partitions and at most some {@code .tmp} files, which a rerun ignores.
 */
public final class EmbeddingLayout {
    /** Errors kept per partition in its marker. */
    public static final int MAX_ERRORS = 10;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EmbeddingLayout() {
    }

    public static String partName(int index) {
        return String.format("part-%05d", index);
    }

    public static Path metadata(Path dir, String part) {
        return dir.resolve(part + ".parquet");
    }

    public static Path images(Path dir, String part) {
        return dir.resolve(part + ".image.npy");
    }

    public static Path texts(Path dir, String part) {
        return dir.resolve(part + ".text.npy");
    }

    public static Path marker(Path dir, String part) {
        return dir.resolve(part + "._SUCCESS");
    }

    public static Path job(Path dir) {
        return dir.resolve("_job.json");
    }

    public static Path summary(Path dir) {
        return dir.resolve("_summary.json");
    }

    public static boolean finished(Path dir, String part) {
        return Files.isRegularFile(marker(dir, part));
    }

    /** The marker of a finished partition. */
    public static PartitionResult readMarker(Path dir, String part) throws IOException {
        return JSON.readValue(marker(dir, part).toFile(), PartitionResult.class);
    }

    static void writeMarker(Path dir, PartitionResult r) throws IOException {
        AtomicFiles.write(marker(dir, r.partition()), JSON.writeValueAsBytes(r));
    }

    /** Names of the finished partitions in a folder, sorted. */
    public static List<String> finishedPartitions(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-") && n.endsWith("._SUCCESS"))
                    .map(n -> n.substring(0, n.length() - "._SUCCESS".length())).sorted().forEach(out::add);
        }
        return out;
    }

    /**
     * Records the job in {@code _job.json}, or checks that an existing one describes the same
     * output (model, precision, data, texts, storage type, partitioning), so a resumed run never
     * mixes embeddings of two configurations.
     */
    public static void claim(EmbedJob job, int dim, int partitions) throws IOException {
        Path dir = job.outDir();
        Files.createDirectories(dir);
        ObjectNode n = JSON.createObjectNode();
        n.put("format", "jclip-embeddings/1");
        n.put("model", job.model());
        n.put("precision", job.precision());
        n.put("data", job.data());
        n.put("data_type", job.dataType());
        n.put("texts", job.texts());
        n.put("dtype", job.fp16() ? "float16" : "float32");
        n.put("dim", dim);
        n.put("partition_size", job.partitionSize());
        n.put("partitions", partitions);
        Path f = job(dir);
        if (Files.exists(f)) {
            ObjectNode old = (ObjectNode) JSON.readTree(f.toFile());
            if (!old.equals(n)) {
                throw new IOException(dir + " holds the output of another job (" + f + ": " + old
                        + "); this one is " + n + ". Use a new --out folder.");
            }
            return;
        }
        AtomicFiles.write(f, JSON.writeValueAsBytes(n));
    }

    /** Renames a finished temporary file over its target, atomically where the file system can. */
    static void commit(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
