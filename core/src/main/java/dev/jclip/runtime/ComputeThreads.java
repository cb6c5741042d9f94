package dev.jclip.runtime;

import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

/**
 * How many threads libtorch computes with. {@code torch.set_num_threads} sizes its intra-op pool,
 * but fp32 matrix products of this build run in OpenBLAS, whose own pool keeps one thread per
 * core whatever libtorch was told. An encoder asked for 1 thread then still multiplied on 2, and
 * when a decoder or a second Spark task held the other core, every product waited on its starved
 * half: a 64 px ViT's images/s fell from about 2,200 to 900 with one busy core beside it (1,890
 * with OpenBLAS held to 1 thread). Every thread setting in jclip goes through here.
 */
public final class ComputeThreads {
    static {
        NativeLibraries.load(); // the first use of libtorch in most commands
    }

    /** libtorch's own thread count, read before jclip first sets one. */
    private static final int LIBTORCH_DEFAULT = torch.get_num_threads();

    private ComputeThreads() {
    }

    /** The thread count libtorch chose by itself in this process (cpuinfo's physical cores, or OMP_NUM_THREADS). */
    public static int libtorchDefault() {
        return LIBTORCH_DEFAULT;
    }

    /** Sizes libtorch's intra-op pool and OpenBLAS's pool to {@code n} threads (at least 1). */
    public static void set(int n) {
        int t = Math.max(1, n);
        torch.set_num_threads(t);
        openblas_full.openblas_set_num_threads(t);
    }

    /**
     * The threads a command computes with unless told: {@code OMP_NUM_THREADS} when set, else one
     * per physical core this process may use (available processors over the threads per core that
     * Linux lists for CPU 0). Not libtorch's own default: it counts cores with cpuinfo, which on a
     * VM whose CPUID cache and topology leaves are empty (a Zen 5 cloud VM) found 1 core of 2, so
     * every command ran on half the machine.
     */
    public static int defaultCount() {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null) {
            try {
                int n = Integer.parseInt(omp.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // not a count (OpenMP allows lists): fall through to the cores
            }
        }
        int perCore = 1;
        try {
            perCore = Math.max(1, siblings(java.nio.file.Files.readString(
                    java.nio.file.Path.of("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list")).trim()));
        } catch (java.io.IOException | RuntimeException e) {
            // no topology: count every processor as a core
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / perCore);
    }

    /** Sets {@link #defaultCount()} threads (commands that were given no thread count). */
    public static void useDefault() {
        set(defaultCount());
    }

    /** How many CPUs a Linux CPU list names, e.g. {@code 0-1} or {@code 0,64}. */
    static int siblings(String list) {
        int n = 0;
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            n += dash < 0 ? 1 : Integer.parseInt(p.substring(dash + 1)) - Integer.parseInt(p.substring(0, dash)) + 1;
        }
        return n;
    }

    /** The threads OpenBLAS will use (for tests and reports). */
    public static int blasThreads() {
        return openblas_full.openblas_get_num_threads();
    }
}
