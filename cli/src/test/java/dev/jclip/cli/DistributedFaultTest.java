package dev.jclip.cli;

import dev.jclip.testing.Shared;
import dev.jclip.train.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rank that dies (SIGKILL) or hangs (SIGSTOP) makes the surviving rank fail with a clear message
 * within the configured collective timeout, and the checkpoints it leaves are whole.
 */
class DistributedFaultTest {
    static final int TIMEOUT_S = 10;

    static Process worker(int rank, int port, Path data, Path out, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--model", "ViT-Tiny/8-32px", "--train-data", data.toString(), "--batch-size", "32",
                "--steps", "100000", "--save-every", "3", "--log-every", "1", "--workers", "1", "--threads", "1",
                "--dist-timeout", Integer.toString(TIMEOUT_S), "--no-report", "-o", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(java.util.Map.of("JCLIP_WORKER", "1", "RANK", Integer.toString(rank), "WORLD_SIZE", "2",
                "LOCAL_RANK", Integer.toString(rank), "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", Integer.toString(port),
                "OMP_WAIT_POLICY", "PASSIVE"));
        return pb.start();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    void survivorFails(Path dir, String signal) throws Exception {
        Path data = Shared.path("data/cifar10/test");
        Path out = dir.resolve("run");
        int port = freePort();
        Process r0 = worker(0, port, data, out, dir.resolve("rank0.log"));
        Process r1 = worker(1, port, data, out, dir.resolve("rank1.log"));
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (Checkpoints.latest(out).isEmpty() && r0.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(r0.isAlive() && r1.isAlive(), "training did not get going:\n" + Files.readString(dir.resolve("rank0.log")));
            long t0 = System.nanoTime();
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(r1.pid())).start().waitFor());
            boolean ended = r0.waitFor(TIMEOUT_S + 60, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            String log = Files.readString(dir.resolve("rank0.log"));
            assertTrue(ended, "rank 0 still running " + seconds + " s after rank 1 got SIG" + signal);
            assertNotEquals(0, r0.exitValue(), log);
            String last = log.substring(log.lastIndexOf("error:") < 0 ? 0 : log.lastIndexOf("error:"));
            System.out.printf("SIG%s on rank 1: rank 0 failed after %.1f s: %s%n", signal, seconds, last.strip());
            assertTrue(last.contains("rank"), "the message should name the failure: " + last);
            Optional<Path> ck = Checkpoints.latest(out);
            assertTrue(ck.isPresent());
            Checkpoints.load(ck.get()); // whole and readable
            try (var files = Files.list(out)) {
                assertTrue(files.noneMatch(f -> f.toString().endsWith(".tmp")), "partial checkpoint left behind");
            }
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(r1.pid())).start().waitFor();
            r0.destroyForcibly();
            r1.destroyForcibly();
        }
    }

    @Test
    void deadPeerFailsTheSurvivor(@TempDir Path dir) throws Exception {
        survivorFails(dir, "KILL");
    }

    @Test
    void hungPeerFailsTheSurvivorWithinTheTimeout(@TempDir Path dir) throws Exception {
        survivorFails(dir, "STOP");
    }
}
