package dev.jclip.runtime;

import org.bytedeco.openblas.global.openblas_full;

/**
 * What libtorch's fp32 GEMM (bytedeco's OpenBLAS) runs here. OpenBLAS picks its kernels once, when
 * it loads, from the CPU, unless {@code OPENBLAS_CORETYPE} names a core: then an AVX-512 CPU may
 * run AVX2 kernels (measured 1.8× slower ViT-B/32 on Zen 5), and only this report says so.
 *
 * @param core       the kernel core in use, e.g. Haswell, SkylakeX, Cooperlake, Zen
 * @param config     OpenBLAS's build configuration string
 * @param forcedCore {@code OPENBLAS_CORETYPE} when set, else null
 * @param l2Size     {@code OPENBLAS_L2_SIZE} when set, else null
 * @param threads    OpenBLAS's pool size
 * @param idleSpin   log2 of the cycles its idle threads spin after a product before they sleep
 *                   ({@code OPENBLAS_THREAD_TIMEOUT}, clamped to 4..30 as OpenBLAS does; 28 unset)
 */
public record OpenBlas(String core, String config, String forcedCore, String l2Size, int threads, int idleSpin) {

    /** OpenBLAS's own idle spin, 2^28 cycles (about 0.1 s), when the environment does not set one. */
    public static final int DEFAULT_IDLE_SPIN = 28;

    /** This process's OpenBLAS. */
    public static OpenBlas get() {
        return new OpenBlas(openblas_full.openblas_get_corename().getString().trim(),
                openblas_full.openblas_get_config().getString().trim(), env("OPENBLAS_CORETYPE"), env("OPENBLAS_L2_SIZE"),
                ComputeThreads.blasThreads(), idleSpin(env("OPENBLAS_THREAD_TIMEOUT")));
    }

    static int idleSpin(String timeout) {
        if (timeout == null) {
            return DEFAULT_IDLE_SPIN;
        }
        try {
            return Math.max(4, Math.min(30, Integer.parseInt(timeout)));
        } catch (NumberFormatException e) {
            return DEFAULT_IDLE_SPIN;
        }
    }

    /**
     * Whether idle OpenBLAS threads spin long enough to take the cores from libgomp's next
     * operation: with the default 2^28 cycles they do (measured on Zen 4: the demo's training step
     * 1.4× slower, int8 ViT-B/32 10%); {@code ./clip} sets {@code OPENBLAS_THREAD_TIMEOUT=4}.
     */
    public boolean idleThreadsSpin() {
        return idleSpin > 16;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** Whether the environment chose the core rather than OpenBLAS's own detection. */
    public boolean coreForced() {
        return forcedCore != null;
    }

    /** One line for reports: the core and why it runs. */
    public String describe() {
        return core + (coreForced() ? " (forced by OPENBLAS_CORETYPE=" + forcedCore + ")" : " (detected)")
                + (l2Size != null ? ", OPENBLAS_L2_SIZE=" + l2Size : "");
    }
}
