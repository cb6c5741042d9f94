package dev.jclip.cli;

import dev.jclip.distributed.DistEnv;
import dev.jclip.distributed.DistributedLoss;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code clip train}'s processes: local workers to launch, the rendezvous, the loss's gathering mode. */
final class DistributedOptions {
    @Option(names = "--nproc-per-node", defaultValue = "1", description = "Launch N local worker processes.")
    int nprocPerNode;
    @Option(names = "--nnodes", defaultValue = "1")
    int nnodes;
    @Option(names = "--node-rank", defaultValue = "0")
    int nodeRank;
    @Option(names = "--master-addr", description = "Rendezvous host (default: MASTER_ADDR or 127.0.0.1).")
    String masterAddr;
    @Option(names = "--master-port", defaultValue = "0", description = "Rendezvous port (default: MASTER_PORT or 29500).")
    int masterPort;
    @Option(names = "--loss-mode", defaultValue = "gather-with-grad", description = "gather-with-grad or local-loss.")
    String lossMode;
    @Option(names = "--dist-timeout", defaultValue = "600", description = "Seconds before a dead or hung peer fails the run.")
    long timeoutSeconds;

    /** True in the process the user started with {@code --nproc-per-node N > 1}: it launches the workers. */
    boolean isLauncher() {
        return nprocPerNode > 1 && System.getenv("JCLIP_WORKER") == null;
    }

    /** This process's rank and rendezvous, from the environment with the options' overrides. */
    DistEnv env() {
        DistEnv env = DistEnv.fromEnvironment();
        if (masterAddr != null || masterPort > 0) {
            env = new DistEnv(env.rank(), env.worldSize(), env.localRank(),
                    masterAddr != null ? masterAddr : env.masterAddr(), masterPort > 0 ? masterPort : env.masterPort());
        }
        return env;
    }

    /** How many processes share this machine's cores: workers do not see --nproc-per-node (the launcher strips it). */
    int localProcesses() {
        return Math.max(nprocPerNode, Launcher.localWorldSize(System.getenv()));
    }

    DistributedLoss.Mode lossMode() {
        return DistributedLoss.Mode.parse(lossMode);
    }

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** The arguments to pass to worker processes (everything but the launcher options). */
    static List<String> workerArgs(String[] original) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < original.length; i++) {
            String a = original[i];
            if (a.startsWith("--nproc-per-node") || a.startsWith("--nnodes") || a.startsWith("--node-rank")) {
                if (!a.contains("=")) {
                    i++;
                }
                continue;
            }
            out.add(a);
        }
        return out;
    }
}
