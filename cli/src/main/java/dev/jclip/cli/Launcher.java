package dev.jclip.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the worker processes of one node, in the manner of {@code torchrun}: each worker is a fresh
 * JVM running the same command with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT set.
 * Rank 0 of the node writes to this terminal; the others log to files next to the run. When one
 * worker fails the others are stopped, so a crashed rank never leaves its peers waiting.
 */
final class Launcher {
    private Launcher() {
    }

    /**
     * Runs {@code nproc} workers of node {@code nodeRank} and waits for them.
     *
     * @param subcommand the CLI subcommand the workers run (e.g. "train")
     * @param workerArgs the subcommand's arguments without the launcher options
     * @param logDir     folder for the logs of local ranks other than 0
     * @param threads    compute threads of each worker (OpenMP and OpenBLAS pools; see {@link #threadsPerRank})
     * @return 0 when every worker succeeded, otherwise the first failing exit code
     */
    static int launch(String subcommand, List<String> workerArgs, int nproc, int nnodes, int nodeRank,
                      String masterAddr, int masterPort, Path logDir, int threads) throws IOException, InterruptedException {
        if (nproc < 1 || nnodes < 1 || nodeRank < 0 || nodeRank >= nnodes) {
            throw new IllegalArgumentException("bad launch geometry: nproc-per-node " + nproc + ", nnodes " + nnodes
                    + ", node-rank " + nodeRank);
        }
        String addr = masterAddr != null ? masterAddr : envOr("MASTER_ADDR", "127.0.0.1");
        int port = masterPort > 0 ? masterPort
                : System.getenv("MASTER_PORT") != null ? Integer.parseInt(System.getenv("MASTER_PORT"))
                : nnodes == 1 ? freePort() : 29500;
        int world = nproc * nnodes;
        Files.createDirectories(logDir);

        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> jvm = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
        // a class archive the launcher records at exit is this JVM's to write, not every worker's
        jvm.removeIf(a -> a.startsWith("-agentlib") || a.startsWith("-javaagent") || a.startsWith("-XX:ArchiveClassesAtExit"));
        List<Process> workers = new ArrayList<>();
        Thread killer = new Thread(() -> workers.forEach(Process::destroyForcibly));
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            for (int local = 0; local < nproc; local++) {
                int rank = nodeRank * nproc + local;
                List<String> cmd = new ArrayList<>();
                cmd.add(java);
                cmd.addAll(jvm);
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(Main.class.getName());
                cmd.add(subcommand);
                cmd.addAll(workerArgs);
                ProcessBuilder pb = new ProcessBuilder(cmd);
                Map<String, String> env = pb.environment();
                env.put("JCLIP_WORKER", "1");
                env.put("RANK", Integer.toString(rank));
                env.put("LOCAL_RANK", Integer.toString(local));
                env.put("WORLD_SIZE", Integer.toString(world));
                env.put("LOCAL_WORLD_SIZE", Integer.toString(nproc));
                env.put("MASTER_ADDR", addr);
                env.put("MASTER_PORT", Integer.toString(port));
                env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
                env.putIfAbsent("OPENBLAS_THREAD_TIMEOUT", "4");   // as ./clip: idle OpenBLAS threads sleep at once
                if (dev.jclip.runtime.NativeHeap.wanted(env)) {
                    env.putAll(dev.jclip.runtime.NativeHeap.SETTINGS);   // as ./clip: malloc keeps tensors' pages
                }
                // Sized before the worker loads libtorch, so no rank starts a pool of every core
                // (N ranks x all cores oversubscribes the machine: 149 vs 790 samples/s measured).
                env.put("OMP_NUM_THREADS", Integer.toString(threads));
                env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
                if (local == 0) {
                    pb.inheritIO();
                } else {
                    File log = logDir.resolve("worker-rank" + rank + ".log").toFile();
                    pb.redirectErrorStream(true).redirectOutput(log);
                }
                workers.add(pb.start());
            }
            System.err.printf("launched %d local workers (ranks %d..%d of %d), rendezvous %s:%d%n", nproc,
                    nodeRank * nproc, nodeRank * nproc + nproc - 1, world, addr, port);
            return waitAll(workers);
        } finally {
            workers.forEach(Process::destroyForcibly);
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running
            }
        }
    }

    /**
     * The compute threads of one process: {@code requested} when positive, otherwise this
     * machine's cores shared evenly among its {@code localProcesses} (at least 1 each).
     */
    static int threadsPerRank(int requested, int localProcesses, int cores) {
        if (requested > 0) {
            return requested;
        }
        return Math.max(1, cores / Math.max(1, localProcesses));
    }

    /** LOCAL_WORLD_SIZE of the environment (processes on this node), 1 when unset or unparsable. */
    static int localWorldSize(Map<String, String> env) {
        String v = env.get("LOCAL_WORLD_SIZE");
        try {
            return v == null || v.isBlank() ? 1 : Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static int waitAll(List<Process> workers) throws InterruptedException {
        int failed = 0;
        while (true) {
            boolean allDone = true;
            for (int i = 0; i < workers.size(); i++) {
                Process p = workers.get(i);
                if (p.isAlive()) {
                    allDone = false;
                } else if (p.exitValue() != 0 && failed == 0) {
                    failed = p.exitValue();
                    System.err.printf("worker %d exited with %d; stopping the others%n", i, failed);
                    for (Process q : workers) {
                        q.destroy();
                    }
                    for (Process q : workers) {
                        if (!q.waitFor(10, TimeUnit.SECONDS)) {
                            q.destroyForcibly();
                        }
                    }
                    return failed;
                }
            }
            if (allDone) {
                return 0;
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v != null && !v.isBlank() ? v : fallback;
    }
}
