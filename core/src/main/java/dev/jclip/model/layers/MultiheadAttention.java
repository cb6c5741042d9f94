package dev.jclip.model.layers;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Self-attention with PyTorch {@code nn.MultiheadAttention}'s parameter names (packed
 * {@code in_proj_weight}/{@code in_proj_bias}, {@code out_proj}), computed batch-first with
 * libtorch's fused scaled-dot-product attention.
 */
public final class MultiheadAttention extends Module {
    public final Tensor inProjWeight;
    public final Tensor inProjBias;
    public final Linear outProj;
    private final long width;
    private final long heads;

    public MultiheadAttention(long width, long heads) {
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " heads");
        }
        this.width = width;
        this.heads = heads;
        double bound = Math.sqrt(6.0 / (width + 3 * width)); // xavier-uniform, as nn.MultiheadAttention
        inProjWeight = Params.parameter(this, "in_proj_weight", torch.uniform_(torch.empty(3 * width, width), -bound, bound));
        inProjBias = Params.parameter(this, "in_proj_bias", torch.zeros(3 * width));
        outProj = register_module("out_proj", new Linear(width, width));
        torch.zeros_(outProj.bias);
    }

    public long heads() {
        return heads;
    }

    /** x: [N, L, D]; causal masks future positions (the text encoder). */
    public Tensor forward(Tensor x, boolean causal) {
        long n = x.size(0), l = x.size(1);
        Tensor qkv = torch.linear(x, inProjWeight, new TensorOptional(inProjBias))
                .view(n, l, 3, heads, width / heads).permute(2, 0, 3, 1, 4);
        Tensor o = torch.scaled_dot_product_attention(qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2),
                new TensorOptional(), 0.0, causal, new DoubleOptional(), false);
        return outProj.forward(o.transpose(1, 2).reshape(n, l, width));
    }
}
