package dev.jclip.spark;

import dev.jclip.embed.EmbedDataset;
import dev.jclip.embed.EmbedJob;
import dev.jclip.embed.EmbedSummary;
import dev.jclip.embed.EmbeddingLayout;
import dev.jclip.embed.EmbeddingShards;
import dev.jclip.embed.MetadataRow;
import dev.jclip.embed.TinyDatasets;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spark engine in {@code local[2]} against the local engine on the same generated shards:
 * every row identical (fp32, bit for bit), a task failure retried without duplicates or gaps, a
 * corrupt shard skipped and reported.
 */
class SparkEngineTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    static final int SHARDS = 4, PER_SHARD = 9;

    static Path data(Path dir) throws Exception {
        Path data = dir.resolve("data");
        for (int i = 0; i < SHARDS; i++) {
            TinyDatasets.shard(data, i, PER_SHARD, i == 1 ? new int[]{4} : new int[0]);
        }
        return data;
    }

    static EmbedJob job(Path data, Path out) {
        String model = Shared.fixtures("models/vit-s/openai_state_dict.pt").toString();
        return EmbedJob.of(data + "/shard-{000000..00000" + (SHARDS - 1) + "}.tar.gz", out, model).withBatchSize(4)
                .withTexts(true);
    }

    @Test
    void sparkLocal2GivesTheLocalEnginesRowsAndVectorsExactly(@TempDir Path dir) throws Exception {
        Path data = data(dir);
        // the same intra-op thread count on both sides (1 per task on Spark), so that libtorch's
        // reductions run in the same order
        EmbedSummary local = EmbedDataset.run(job(data, dir.resolve("local")), "local", Map.of("threads", "1"), QUIET);
        EmbedSummary spark = EmbedDataset.run(job(data, dir.resolve("spark")), "spark",
                Map.of("master", "local[2]", "threads", "1"), QUIET);
        assertEquals("spark", spark.engine());
        assertEquals(local.rows(), spark.rows());
        assertEquals(SHARDS * PER_SHARD - 1, spark.rows());
        assertEquals(1, spark.skipped());
        assertEquals(EmbeddingLayout.finishedPartitions(dir.resolve("local")),
                EmbeddingLayout.finishedPartitions(dir.resolve("spark")));
        int compared = 0;
        for (String p : EmbeddingLayout.finishedPartitions(dir.resolve("local"))) {
            EmbeddingShards.Shard a = EmbeddingShards.read(dir.resolve("local"), p);
            EmbeddingShards.Shard b = EmbeddingShards.read(dir.resolve("spark"), p);
            assertEquals(a.meta(), b.meta(), p + " metadata");
            for (int i = 0; i < a.meta().size(); i++) {
                assertArrayEquals(a.images()[i], b.images()[i], 0f, p + " image row " + i);
                assertArrayEquals(a.texts()[i], b.texts()[i], 0f, p + " text row " + i);
                compared++;
            }
            for (String f : List.of(".parquet", ".image.npy", ".text.npy")) {
                assertArrayEquals(Files.readAllBytes(dir.resolve("local").resolve(p + f)),
                        Files.readAllBytes(dir.resolve("spark").resolve(p + f)), p + f + " bytes");
            }
        }
        assertEquals(SHARDS * PER_SHARD - 1, compared);
    }

    @Test
    void aFailedTaskIsRetriedWithoutDuplicatesOrGapsAndACorruptShardIsReported(@TempDir Path dir) throws Exception {
        Path data = data(dir);
        TinyDatasets.truncate(TinyDatasets.shard(data, SHARDS, 40)); // one more shard, broken off
        Path out = dir.resolve("out");
        EmbedJob job = job(data, out);
        job = job.withData(data + "/shard-{000000..00000" + SHARDS + "}.tar.gz", "auto");
        // local[2,2]: two cores and up to two attempts per task (local mode does not retry by default)
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        EmbedSummary s = EmbedDataset.run(job, "spark", Map.of("master", "local[2,2]",
                "conf." + SparkEngine.FAIL_ONCE, "2"), new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(SHARDS + 1, s.finished());
        // the progress bar hears each partition once, from its successful attempt
        String[] draws = log.toString(java.nio.charset.StandardCharsets.UTF_8).split("\r");
        String last = java.util.Arrays.stream(draws).filter(d -> d.startsWith("embed ")).reduce((a, b) -> b).orElse("");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" ([0-9]+) images ").matcher(last);
        assertTrue(m.find(), "no progress line in: " + log);
        assertEquals(s.rows(), Long.parseLong(m.group(1)), last);
        assertEquals(1, s.corruptShards().size(), s.toString());
        assertTrue(s.corruptShards().get(0).startsWith(EmbeddingLayout.partName(SHARDS) + ": "));

        List<String> keys = new ArrayList<>();
        EmbeddingShards.forEach(out, r -> keys.add(r.meta().key()));
        Set<String> unique = new HashSet<>(keys);
        assertEquals(keys.size(), unique.size(), "duplicate rows");
        for (int sh = 0; sh < SHARDS; sh++) {
            for (int i = 0; i < PER_SHARD; i++) {
                assertEquals(!(sh == 1 && i == 4), unique.contains(TinyDatasets.key(sh, i)), "row " + sh + "/" + i);
            }
        }
        List<MetadataRow> retried = EmbeddingShards.read(out, "part-00002").meta();
        assertEquals(PER_SHARD, retried.size());
        assertNotNull(EmbeddingLayout.readMarker(out, EmbeddingLayout.partName(SHARDS)).shardError());
        try (var files = Files.list(out)) {
            assertEquals(0, files.filter(f -> f.toString().endsWith(".tmp")).count(), "temporary files left");
        }
    }
}
