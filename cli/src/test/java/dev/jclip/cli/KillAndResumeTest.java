package dev.jclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.testing.Shared;
import dev.jclip.train.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training process killed with SIGKILL and resumed with {@code --resume latest} produces the same
 * per-step losses as an uninterrupted run: model, optimizer, schedule, RNG and data position all
 * come back from the last checkpoint.
 */
class KillAndResumeTest {
    static final long STEPS = 60;

    static List<String> trainArgs(Path data, Path out) {
        return List.of("train", "--model", "ViT-Tiny/8-32px", "--train-data", data.toString(),
                "--batch-size", "64", "--steps", Long.toString(STEPS), "--warmup", "5", "--lr", "1e-3",
                "--save-every", "10", "--keep", "2", "--log-every", "1", "--workers", "2", "--threads", "2",
                "--seed", "7", "--no-report", "-o", out.toString());
    }

    static Process start(List<String> args, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start();
    }

    static TreeMap<Long, Double> losses(Path metrics) throws Exception {
        TreeMap<Long, Double> out = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(metrics)) {
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (java.io.IOException cutShortByTheKill) {
                continue;
            }
            if (n != null && n.has("loss")) {
                out.put(n.get("step").asLong(), n.get("loss").asDouble());
            }
        }
        return out;
    }

    @Test
    void killedRunResumesOntoTheSameLossCurve(@TempDir Path dir) throws Exception {
        Path data = Shared.path("data/cifar10/test");
        Path a = dir.resolve("uninterrupted"), b = dir.resolve("killed");

        Process whole = start(trainArgs(data, a), dir.resolve("a.log"));
        assertTrue(whole.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, whole.exitValue(), Files.readString(dir.resolve("a.log")));

        Process victim = start(trainArgs(data, b), dir.resolve("b.log"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(Checkpoints.fileFor(b, 20)) && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(victim.isAlive(), "the run finished before it could be killed:\n" + Files.readString(dir.resolve("b.log")));
        victim.destroyForcibly(); // SIGKILL: no shutdown hooks, possibly mid-step or mid-write
        victim.waitFor();
        long killedAt = losses(b.resolve("metrics.jsonl")).lastKey();
        assertTrue(killedAt < STEPS, "killed after the last step");

        List<String> resume = new ArrayList<>(trainArgs(data, b));
        resume.addAll(List.of("--resume", "latest"));
        Process resumed = start(resume, dir.resolve("c.log"));
        assertTrue(resumed.waitFor(5, TimeUnit.MINUTES));
        String log = Files.readString(dir.resolve("c.log"));
        assertEquals(0, resumed.exitValue(), log);
        assertTrue(log.contains("resuming from"), log);

        TreeMap<Long, Double> ref = losses(a.resolve("metrics.jsonl")), got = losses(b.resolve("metrics.jsonl"));
        assertEquals(ref.keySet(), got.keySet(), "steps logged");
        for (long step : ref.keySet()) {
            assertEquals(ref.get(step), got.get(step), "loss at step " + step + " (killed after step " + killedAt + ")");
        }
        System.out.printf("killed after step %d of %d; resumed; all %d losses identical (final %.6f)%n",
                killedAt, STEPS, ref.size(), ref.lastEntry().getValue());
        File[] leftovers = b.toFile().listFiles((d, n) -> n.endsWith(".tmp"));
        assertEquals(0, leftovers == null ? 0 : leftovers.length, "temporary files left behind");
    }
}
