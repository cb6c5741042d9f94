package dev.jclip.model.layers;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** y = x Wᵀ + b, with parameters named {@code weight} and {@code bias} as in PyTorch. */
public final class Linear extends Module {
    public final Tensor weight;
    public final Tensor bias;

    public Linear(long in, long out) {
        this(in, out, true);
    }

    public Linear(long in, long out, boolean withBias) {
        double bound = 1.0 / Math.sqrt(in); // PyTorch's default (kaiming-uniform with a=sqrt(5))
        weight = Params.parameter(this, "weight", torch.uniform_(torch.empty(out, in), -bound, bound));
        bias = withBias ? Params.parameter(this, "bias", torch.uniform_(torch.empty(out), -bound, bound)) : null;
    }

    /** fbgemm's packed int8 weight, set by {@link #quantizeInt8()}; null in fp32 mode. */
    private Int8Weight int8;

    private record Int8Weight(Tensor q, Tensor packed, Tensor colOffsets, double scale, long zeroPoint, Tensor bias) {
    }

    /**
     * Switches this layer to dynamic int8 inference (libtorch's fbgemm kernels: int8 weights with
     * per-tensor scale, activations quantized on the fly per call). For inference only; call it
     * outside any PointerScope so that the packed weight lives as long as the layer.
     */
    public void quantizeInt8() {
        try (var noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            var t = torch.fbgemm_linear_quantize_weight(weight.detach().contiguous());
            // get0()/get1() point into the native tuple, which the garbage collector may free:
            // take owning references to the tensors before it goes.
            Tensor q = new Tensor(t.get0());
            Tensor offsets = new Tensor(t.get1());
            Tensor b = bias != null ? bias.detach().contiguous() : torch.zeros(weight.size(0));
            int8 = new Int8Weight(q, torch.fbgemm_pack_quantized_matrix(q), offsets, t.get2(), t.get3(), b);
        }
    }

    /** Back to the fp32 weights. */
    public void dequantize() {
        int8 = null;
    }

    public Tensor forward(Tensor x) {
        if (int8 != null) {
            return torch.fbgemm_linear_int8_weight_fp32_activation(x.contiguous(), int8.q, int8.packed, int8.colOffsets,
                    new org.bytedeco.pytorch.Scalar(int8.scale), new org.bytedeco.pytorch.Scalar(int8.zeroPoint), int8.bias);
        }
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
    }
}
