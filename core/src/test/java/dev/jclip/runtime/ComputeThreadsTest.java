package dev.jclip.runtime;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One setting sizes both pools: libtorch's intra-op threads and the OpenBLAS threads its fp32 products run on. */
class ComputeThreadsTest {
    @Test
    void setsLibtorchAndOpenBlasAlike() {
        int before = torch.get_num_threads();
        try {
            ComputeThreads.set(1);
            assertEquals(1, torch.get_num_threads());
            assertEquals(1, ComputeThreads.blasThreads(), "OpenBLAS would still multiply on its own pool");
            ComputeThreads.set(2);
            assertEquals(2, torch.get_num_threads());
            assertEquals(2, ComputeThreads.blasThreads());
            ComputeThreads.set(0);
            assertEquals(1, ComputeThreads.blasThreads(), "at least one thread");
        } finally {
            ComputeThreads.set(before);
        }
    }

    @Test
    void theDefaultIsOneThreadPerPhysicalCore() {
        assertEquals(2, ComputeThreads.siblings("0-1"));
        assertEquals(2, ComputeThreads.siblings("0,64"));
        assertEquals(1, ComputeThreads.siblings("3"));
        assertEquals(4, ComputeThreads.siblings("0-1,8-9"));
        int n = ComputeThreads.defaultCount();
        int cpus = Runtime.getRuntime().availableProcessors();
        org.junit.jupiter.api.Assertions.assertTrue(n >= 1 && (System.getenv("OMP_NUM_THREADS") != null || n <= cpus), n + " of " + cpus);
        if (System.getenv("OMP_NUM_THREADS") == null && cpus == 2) {
            // this project's machines: 2 cores, no SMT; libtorch's cpuinfo said 1 on a Zen 5 VM
            assertEquals(2, n);
        }
    }
}
