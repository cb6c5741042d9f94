package dev.jclip.model.layers;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** y = x Wᵀ + b, with parameters named {@code weight} and {@code bias} as in PyTorch. */
public final class Linear extends Module {
    public final Tensor weight;
    public final Tensor bias;
    private final LinearWeights kernels;

    public Linear(long in, long out) {
        this(in, out, true);
    }

    public Linear(long in, long out, boolean withBias) {
        double bound = 1.0 / Math.sqrt(in); // PyTorch's default (kaiming-uniform with a=sqrt(5))
        weight = Params.parameter(this, "weight", Params.uniform(bound, out, in));
        bias = withBias ? Params.parameter(this, "bias", Params.uniform(bound, out)) : null;
        kernels = new LinearWeights(weight, bias);
    }

    /** The kernels this layer's weight runs on (fp32 reference, bf16 and int8 inference copies). */
    public LinearWeights kernels() {
        return kernels;
    }

    public Tensor forward(Tensor x) {
        return kernels.apply(x, !is_training());
    }
}
