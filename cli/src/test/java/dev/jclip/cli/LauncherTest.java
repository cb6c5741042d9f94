package dev.jclip.cli;

import dev.jclip.testing.Shared;
import dev.jclip.train.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --nproc-per-node 2} launches two ranks that train together; a later run resumes with another world size. */
class LauncherTest {
    static Process clip(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void eachLocalRankGetsItsShareOfTheCoresUnlessTold() {
        assertEquals(1, Launcher.threadsPerRank(0, 2, 2));
        assertEquals(4, Launcher.threadsPerRank(0, 2, 8));
        assertEquals(1, Launcher.threadsPerRank(0, 4, 2), "at least one thread");
        assertEquals(2, Launcher.threadsPerRank(0, 1, 2));
        assertEquals(3, Launcher.threadsPerRank(3, 2, 2), "--threads wins");
        assertEquals(2, Launcher.localWorldSize(java.util.Map.of("LOCAL_WORLD_SIZE", "2")));
        assertEquals(1, Launcher.localWorldSize(java.util.Map.of()));
        assertEquals(1, Launcher.localWorldSize(java.util.Map.of("LOCAL_WORLD_SIZE", "x")));
    }

    @Test
    void twoLocalRanksThenResumeOnOne(@TempDir Path dir) throws Exception {
        String data = Shared.path("data/cifar10/test").toString();
        Path out = dir.resolve("run");
        Process two = clip(dir.resolve("two.log"), "train", "--nproc-per-node", "2", "--model", "ViT-Tiny/8-32px",
                "--train-data", data, "--batch-size", "32", "--steps", "6", "--save-every", "3", "--log-every", "1",
                "--workers", "1", "--no-report", "-o", out.toString());
        assertTrue(two.waitFor(3, TimeUnit.MINUTES));
        String log = Files.readString(dir.resolve("two.log"));
        assertEquals(0, two.exitValue(), log);
        assertTrue(log.contains("launched 2 local workers"), log);
        String metrics = Files.readString(out.resolve("metrics.jsonl"));
        assertTrue(metrics.contains("\"world_size\":2"), metrics);
        assertEquals(6, Checkpoints.load(Checkpoints.latest(out).orElseThrow()).position().step());
        assertTrue(Files.exists(out.resolve("worker-rank1.log")), "rank 1 logs to a file");
        // each local rank gets its share of the cores, not all of them (N ranks x all cores oversubscribes)
        int cores = Runtime.getRuntime().availableProcessors(), share = Math.max(1, cores / 2);
        String threads = share + " libtorch threads (2 local processes on " + cores + " cores)";
        assertTrue(log.contains("rank 0: " + threads), log);
        String log1Worker = Files.readString(out.resolve("worker-rank1.log"));
        assertTrue(log1Worker.contains("rank 1: " + threads), log1Worker);

        Process one = clip(dir.resolve("one.log"), "train", "--model", "ViT-Tiny/8-32px", "--train-data", data,
                "--batch-size", "32", "--steps", "9", "--save-every", "3", "--log-every", "1", "--workers", "1",
                "--no-report", "--resume", "latest", "-o", out.toString());
        assertTrue(one.waitFor(3, TimeUnit.MINUTES));
        String log1 = Files.readString(dir.resolve("one.log"));
        assertEquals(0, one.exitValue(), log1);
        assertTrue(log1.contains("at step 6"), log1);
        assertEquals(9, Checkpoints.load(Checkpoints.latest(out).orElseThrow()).position().step());
    }
}
