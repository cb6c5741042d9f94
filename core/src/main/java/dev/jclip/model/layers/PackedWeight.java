package dev.jclip.model.layers;

import dev.jclip.runtime.PackedLinear;
import org.bytedeco.pytorch.Tensor;

/**
 * A float32 weight's copy in oneDNN's layout for inference ({@link PackedLinear}), made on first
 * use and again whenever the weight changes in place (its version counter moves: a checkpoint
 * load, an optimizer step). The weight itself stays the reference and is never modified.
 */
public final class PackedWeight {
    private final Tensor source;
    private final boolean transposed;
    private volatile Copy copy;

    private record Copy(long version, Tensor packed) {
    }

    /**
     * @param source     the weight as stored
     * @param transposed true for a projection stored [in, out] and applied as {@code x @ source}
     *                   (CLIP's {@code proj} and {@code text_projection}); false for [out, in]
     */
    public PackedWeight(Tensor source, boolean transposed) {
        this.source = source;
        this.transposed = transposed;
    }

    /** y = x Wᵀ (+ bias) on the packed copy; call only where {@link PackedLinear#serves} says so. */
    public Tensor apply(Tensor x, Tensor bias) {
        return apply(x, bias, false);
    }

    /** {@code silu?(x Wᵀ + bias)}, the SiLU in the product's epilogue. */
    public Tensor apply(Tensor x, Tensor bias, boolean silu) {
        return PackedLinear.apply(x, packed(x.numel() / x.size(-1)), bias, silu);
    }

    /** Drops the copy. */
    public void release() {
        copy = null;
    }

    private Tensor packed(long rows) {
        long v = Params.version(source);
        Copy c = copy;
        if (c == null || c.version != v) {
            synchronized (this) {
                c = copy;
                if (c == null || c.version != v) {
                    c = new Copy(v, PackedLinear.pack(transposed ? source.t() : source, rows));
                    copy = c;
                }
            }
        }
        return c.packed;
    }
}
