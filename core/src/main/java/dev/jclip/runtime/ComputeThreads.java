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
    private ComputeThreads() {
    }

    /** Sizes libtorch's intra-op pool and OpenBLAS's pool to {@code n} threads (at least 1). */
    public static void set(int n) {
        int t = Math.max(1, n);
        torch.set_num_threads(t);
        openblas_full.openblas_set_num_threads(t);
    }

    /** The threads OpenBLAS will use (for tests and reports). */
    public static int blasThreads() {
        return openblas_full.openblas_get_num_threads();
    }
}
