package dev.jclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.embed.EmbeddingLayout;
import dev.jclip.embed.EmbeddingShards;
import dev.jclip.embed.TinyDatasets;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clip embed-dataset} killed with SIGKILL mid-run: the finished partitions survive intact,
 * the rerun embeds only the rest, and the result equals an uninterrupted run's.
 */
class EmbedDatasetKillTest {
    static final int SHARDS = 6, PER_SHARD = 16;

    static List<String> args(Path data, Path out) {
        return List.of("embed-dataset", "-m", Shared.fixtures("models/vit-s/openai_state_dict.pt").toString(),
                "--data", data + "/shard-{000000..00000" + (SHARDS - 1) + "}.tar.gz", "--out", out.toString(),
                "--batch-size", "4", "--threads", "1", "--texts");
    }

    @Test
    void killedRunKeepsFinishedPartitionsAndResumesToTheSameOutput(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        for (int i = 0; i < SHARDS; i++) {
            TinyDatasets.shard(data, i, PER_SHARD);
        }
        Path whole = dir.resolve("whole"), killed = dir.resolve("killed");
        Process a = KillAndResumeTest.start(args(data, whole), dir.resolve("a.log"));
        assertTrue(a.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, a.exitValue(), Files.readString(dir.resolve("a.log")));

        Process victim = KillAndResumeTest.start(args(data, killed), dir.resolve("b.log"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(EmbeddingLayout.marker(killed, "part-00000")) && victim.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(victim.isAlive(), "the run finished before it could be killed:\n" + Files.readString(dir.resolve("b.log")));
        victim.destroyForcibly(); // SIGKILL: no shutdown hooks, possibly mid-write
        victim.waitFor();

        List<String> survived = EmbeddingLayout.finishedPartitions(killed);
        assertTrue(!survived.isEmpty() && survived.size() < SHARDS, "finished before the kill: " + survived);
        Map<String, FileTime> times = new HashMap<>();
        for (String p : survived) {
            EmbeddingShards.read(killed, p); // complete and consistent
            times.put(p, Files.getLastModifiedTime(EmbeddingLayout.images(killed, p)));
        }

        Process resumed = KillAndResumeTest.start(args(data, killed), dir.resolve("c.log"));
        assertTrue(resumed.waitFor(5, TimeUnit.MINUTES));
        String log = Files.readString(dir.resolve("c.log"));
        assertEquals(0, resumed.exitValue(), log);
        assertTrue(log.contains(survived.size() + " of " + SHARDS + " partitions already finished"), log);
        JsonNode summary = new ObjectMapper().readTree(EmbeddingLayout.summary(killed).toFile());
        assertEquals(SHARDS * PER_SHARD, summary.get("rows").asLong());
        assertEquals((SHARDS - survived.size()) * PER_SHARD, summary.get("runImages").asLong(),
                "only the partitions that had not finished are embedded again");
        for (String p : survived) {
            assertEquals(times.get(p), Files.getLastModifiedTime(EmbeddingLayout.images(killed, p)), p + " redone");
        }

        Set<String> keys = new HashSet<>();
        for (String p : EmbeddingLayout.finishedPartitions(whole)) {
            EmbeddingShards.Shard x = EmbeddingShards.read(whole, p), y = EmbeddingShards.read(killed, p);
            assertEquals(x.meta(), y.meta(), p);
            for (int i = 0; i < x.meta().size(); i++) {
                assertArrayEquals(x.images()[i], y.images()[i], 0f, p + " row " + i);
                assertTrue(keys.add(y.meta().get(i).key()), "duplicate " + y.meta().get(i).key());
            }
        }
        assertEquals(SHARDS * PER_SHARD, keys.size());
        System.out.printf("killed with %d of %d partitions finished; the rerun embedded the other %d%n",
                survived.size(), SHARDS, SHARDS - survived.size());
    }
}
