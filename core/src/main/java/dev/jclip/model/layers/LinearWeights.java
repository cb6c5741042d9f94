package dev.jclip.model.layers;

import dev.jclip.runtime.PackedLinear;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * One weight matrix (and optional bias) with the kernels it can run on. The float32 parameters
 * are the reference and are never modified; {@link #prepareBf16()} and {@link #prepareInt8()}
 * make inference copies once, so no call pays for a conversion. Which kernel runs follows the
 * activations: bfloat16 input takes the bf16 copy, float32 input the int8 kernel when one is
 * prepared and the float32 weight otherwise. In eval mode with gradients off, the float32 and bf16
 * products run on copies reordered for oneDNN ({@link PackedWeight}) where this machine runs them.
 */
public final class LinearWeights {
    private final Tensor weight;
    private final Tensor bias;
    private Tensor bf16Weight;
    private Tensor bf16Bias;
    private Int8 int8;
    private final PackedWeight packed;

    /** fbgemm's packed int8 weight with its per-tensor quantization. */
    private record Int8(Tensor q, Tensor packed, Tensor colOffsets, double scale, long zeroPoint, Tensor bias) {
    }

    public LinearWeights(Tensor weight, Tensor bias) {
        this.weight = weight;
        this.bias = bias;
        this.packed = new PackedWeight(weight, false);
    }

    /**
     * Makes the bf16 copies. Call outside any PointerScope: they live as long as the layer.
     */
    public void prepareBf16() {
        try (NoGradGuard ng = new NoGradGuard()) {
            bf16Weight = weight.detach().to(torch.ScalarType.BFloat16).contiguous();
            bf16Bias = bias == null ? null : bias.detach().to(torch.ScalarType.BFloat16);
        }
    }

    /**
     * Switches float32 inputs to dynamic int8 (libtorch's fbgemm kernels: int8 weights with a
     * per-tensor scale, activations quantized on the fly per call). Call outside any PointerScope.
     */
    public void prepareInt8() {
        try (NoGradGuard ng = new NoGradGuard()) {
            var t = torch.fbgemm_linear_quantize_weight(weight.detach().contiguous());
            // get0()/get1() point into the native tuple, which the garbage collector may free:
            // take owning references to the tensors before it goes.
            Tensor q = new Tensor(t.get0());
            Tensor offsets = new Tensor(t.get1());
            Tensor b = bias != null ? bias.detach().contiguous() : torch.zeros(weight.size(0));
            int8 = new Int8(q, torch.fbgemm_pack_quantized_matrix(q), offsets, t.get2(), t.get3(), b);
        }
    }

    /** Drops every inference copy: back to the float32 reference. */
    public void release() {
        bf16Weight = null;
        bf16Bias = null;
        int8 = null;
        packed.release();
    }

    public boolean isInt8() {
        return int8 != null;
    }

    /**
     * {@code silu?(x Wᵀ + biasScale·b)} on the kernel {@link #apply} picks for inference (eval mode,
     * gradients off); on the packed float32 kernel the SiLU runs in the product's epilogue. The
     * scaled bias lets a caller fold a constant factor into the input (see
     * {@link ResidualAttentionBlock}).
     */
    public Tensor apply(Tensor x, double biasScale, boolean silu) {
        return product(x, bias == null ? null : bias.mul(new Scalar(biasScale)), null, true, silu);
    }

    /**
     * y = x Wᵀ + b on the kernel that matches {@code x}'s dtype (see the class comment).
     * {@code inference} says the layer is in eval mode: only then may the packed copy serve, since
     * a training step's passes without a graph (micro-batch features, recomputation for
     * checkpointing) must compute exactly what its pass with a graph computes.
     */
    public Tensor apply(Tensor x, boolean inference) {
        return product(x, bias, bf16Bias, inference, false);
    }

    /** The one kernel choice: {@code b} is the float32 bias to add, {@code bf16b} its bf16 copy if one is kept. */
    private Tensor product(Tensor x, Tensor b, Tensor bf16b, boolean mayPack, boolean silu) {
        Tensor y;
        if (dev.jclip.tensor.Torch.isBf16(x)) {
            Tensor bb = bf16b != null ? bf16b : b == null ? null : b.to(torch.ScalarType.BFloat16);
            if (mayPack && PackedLinear.serves(x)) {
                return packed.apply(x, bb, silu);
            }
            Tensor w = bf16Weight != null ? bf16Weight : weight.to(torch.ScalarType.BFloat16);
            y = bb == null ? torch.linear(x, w) : torch.linear(x, w, new TensorOptional(bb));
        } else if (int8 != null) {
            y = torch.fbgemm_linear_int8_weight_fp32_activation(x.contiguous(), int8.q, int8.packed, int8.colOffsets,
                    new Scalar(int8.scale), new Scalar(int8.zeroPoint), b != null ? b : int8.bias);
        } else if (mayPack && PackedLinear.serves(x)) {
            return packed.apply(x, b, silu);
        } else {
            y = b == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(b));
        }
        return silu ? torch.silu_(y) : y;
    }
}
