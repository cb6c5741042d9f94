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
 * Every copy remembers the weight's version and is made again after an in-place change (a
 * checkpoint load, an optimizer step), so inference never runs on stale weights.
 */
public final class LinearWeights {
    private final Tensor weight;
    private final Tensor bias;
    private volatile Bf16 bf16;
    private volatile Int8 int8;
    private final PackedWeight packed;

    /** fbgemm's packed int8 weight with its per-tensor quantization, made from the weight at {@code version}. */
    private record Int8(long version, Tensor q, Tensor packed, Tensor colOffsets, double scale, long zeroPoint, Tensor bias) {
    }

    /** The bf16 copies, made from the weight and bias at {@code version}. */
    private record Bf16(long version, Tensor weight, Tensor bias) {
    }

    public LinearWeights(Tensor weight, Tensor bias) {
        this.weight = weight;
        this.bias = bias;
        this.packed = new PackedWeight(weight, false);
    }

    /**
     * Makes the bf16 copies (again after an in-place change of the weight).
     */
    public synchronized void prepareBf16() {
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor w = Params.owned(weight.detach().to(torch.ScalarType.BFloat16).contiguous());
            Tensor b = bias == null ? null : Params.owned(bias.detach().to(torch.ScalarType.BFloat16));
            bf16 = new Bf16(version(), w, b);
        }
    }

    /**
     * Switches float32 inputs to dynamic int8 (libtorch's fbgemm kernels: int8 weights with a
     * per-tensor scale, activations quantized on the fly per call).
     */
    public synchronized void prepareInt8() {
        try (NoGradGuard ng = new NoGradGuard()) {
            long v = version();
            var t = torch.fbgemm_linear_quantize_weight(weight.detach().contiguous());
            // get0()/get1() point into the native tuple, which the garbage collector may free:
            // take owning references to the tensors before it goes.
            Tensor q = Params.owned(new Tensor(t.get0()));
            Tensor offsets = Params.owned(new Tensor(t.get1()));
            Tensor b = Params.owned(bias != null ? bias.detach().contiguous() : torch.zeros(weight.size(0)));
            int8 = new Int8(v, q, Params.owned(torch.fbgemm_pack_quantized_matrix(q)), offsets, t.get2(), t.get3(), b);
        }
    }

    /** The weight's and bias's version counters together: either moving makes the copies stale. */
    private long version() {
        return Params.version(weight) * 1_000_003L + (bias == null ? 0 : Params.version(bias));
    }

    /** The bf16 copies, made again if the weight changed since; null when none were asked for. */
    private Bf16 bf16() {
        Bf16 c = bf16;
        if (c != null && c.version != version()) {
            prepareBf16();
            c = bf16;
        }
        return c;
    }

    /** The int8 kernel's weight, made again if the float32 weight changed since; null in fp32/bf16. */
    private Int8 int8() {
        Int8 c = int8;
        if (c != null && c.version != version()) {
            prepareInt8();
            c = int8;
        }
        return c;
    }

    /** Drops every inference copy: back to the float32 reference. */
    public void release() {
        bf16 = null;
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
        return product(x, bias == null ? null : bias.mul(new Scalar(biasScale)), false, true, silu);
    }

    /**
     * y = x Wᵀ + b on the kernel that matches {@code x}'s dtype (see the class comment).
     * {@code inference} says the layer is in eval mode: only then may the packed copy serve, since
     * a training step's passes without a graph (micro-batch features, recomputation for
     * checkpointing) must compute exactly what its pass with a graph computes.
     */
    public Tensor apply(Tensor x, boolean inference) {
        return product(x, bias, true, inference, false);
    }

    /**
     * The one kernel choice: {@code b} is the float32 bias to add; {@code plainBias} says it is the
     * layer's own, whose bf16 copy may serve.
     */
    private Tensor product(Tensor x, Tensor b, boolean plainBias, boolean mayPack, boolean silu) {
        Tensor y;
        Int8 q;
        if (dev.jclip.tensor.Torch.isBf16(x)) {
            Bf16 c = bf16();
            Tensor bb = plainBias && c != null ? c.bias : b == null ? null : b.to(torch.ScalarType.BFloat16);
            if (mayPack && PackedLinear.serves(x)) {
                return packed.apply(x, bb, silu);
            }
            Tensor w = c != null ? c.weight : weight.to(torch.ScalarType.BFloat16);
            y = bb == null ? torch.linear(x, w) : torch.linear(x, w, new TensorOptional(bb));
        } else if ((q = int8()) != null) {
            y = torch.fbgemm_linear_int8_weight_fp32_activation(x.contiguous(), q.q, q.packed, q.colOffsets,
                    new Scalar(q.scale), new Scalar(q.zeroPoint), b != null ? b : q.bias);
        } else if (mayPack && PackedLinear.serves(x)) {
            return packed.apply(x, b, silu);
        } else {
            y = b == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(b));
        }
        return silu ? torch.silu_(y) : y;
    }
}
