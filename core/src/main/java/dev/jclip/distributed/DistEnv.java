package dev.jclip.distributed;

import java.util.Map;

/**
 * Where this process stands in a distributed run, read like torchrun: MASTER_ADDR, MASTER_PORT,
 * WORLD_SIZE, RANK, LOCAL_RANK; under SLURM (srun) SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID and
 * the first host of SLURM_JOB_NODELIST stand in for the missing ones.
 */
public record DistEnv(int rank, int worldSize, int localRank, String masterAddr, int masterPort) {
    public static final int DEFAULT_PORT = 29500;

    public DistEnv {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " is not within world size " + worldSize);
        }
    }

    public static DistEnv single() {
        return new DistEnv(0, 1, 0, "127.0.0.1", DEFAULT_PORT);
    }

    public boolean distributed() {
        return worldSize > 1;
    }

    public boolean isMain() {
        return rank == 0;
    }

    /** From the process environment. */
    public static DistEnv fromEnvironment() {
        return from(System.getenv());
    }

    /** From an environment map (testable). */
    public static DistEnv from(Map<String, String> env) {
        int world = intOf(env, "WORLD_SIZE", intOf(env, "SLURM_NTASKS", 1));
        int rank = intOf(env, "RANK", intOf(env, "SLURM_PROCID", 0));
        int local = intOf(env, "LOCAL_RANK", intOf(env, "SLURM_LOCALID", 0));
        String addr = env.getOrDefault("MASTER_ADDR", firstSlurmHost(env.get("SLURM_JOB_NODELIST")));
        int port = intOf(env, "MASTER_PORT", DEFAULT_PORT);
        return new DistEnv(rank, world, local, addr, port);
    }

    private static int intOf(Map<String, String> env, String key, int dflt) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "='" + v + "' is not an integer");
        }
    }

    /** "node[01-04],gpu7" → "node01"; "a,b" → "a"; null → loopback. */
    static String firstSlurmHost(String list) {
        if (list == null || list.isBlank()) {
            return "127.0.0.1";
        }
        String first = list.split(",(?![^\\[]*\\])")[0];
        int br = first.indexOf('[');
        if (br < 0) {
            return first;
        }
        String range = first.substring(br + 1, first.indexOf(']', br));
        String lo = range.split("[-,]")[0];
        return first.substring(0, br) + lo;
    }
}
