package dev.jclip.model.layers;

import dev.jclip.runtime.PackedLinear;
import dev.jclip.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A float32 weight's copies in oneDNN's layout for inference ({@link PackedLinear}), one per
 * activation dtype (fp32, bf16), each made on first use and again whenever the weight changes in
 * place (its version counter moves: a checkpoint load, an optimizer step). The weight itself stays
 * the reference and is never modified.
 */
public final class PackedWeight {
    private final Tensor source;
    private final boolean transposed;
    private volatile Copy fp32;
    private volatile Copy bf16;

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

    /**
     * y = x Wᵀ (+ bias) on the copy packed for {@code x}'s dtype ({@code bias} in that dtype too);
     * call only where {@link PackedLinear#serves} says so.
     */
    public Tensor apply(Tensor x, Tensor bias) {
        return apply(x, bias, false);
    }

    /** {@code silu?(x Wᵀ + bias)}, the SiLU in the product's epilogue. */
    public Tensor apply(Tensor x, Tensor bias, boolean silu) {
        return PackedLinear.apply(x, packed(x), bias, silu);
    }

    /** Drops the copy. */
    public void release() {
        fp32 = null;
        bf16 = null;
    }

    private Tensor packed(Tensor x) {
        boolean half = Torch.isBf16(x);
        long v = Params.version(source);
        Copy c = half ? bf16 : fp32;
        if (c == null || c.version != v) {
            synchronized (this) {
                c = half ? bf16 : fp32;
                if (c == null || c.version != v) {
                    Tensor w = transposed ? source.t() : source;
                    try (NoGradGuard ng = new NoGradGuard()) {
                        c = new Copy(v, PackedLinear.pack(half ? w.to(torch.ScalarType.BFloat16) : w, x.numel() / x.size(-1)));
                    }
                    if (half) {
                        bf16 = c;
                    } else {
                        fp32 = c;
                    }
                }
            }
        }
        return c.packed;
    }
}
