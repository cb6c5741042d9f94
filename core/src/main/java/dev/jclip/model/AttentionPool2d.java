package dev.jclip.model;

import dev.jclip.runtime.Precision;
import dev.jclip.model.layers.Params;

import dev.jclip.model.layers.Linear;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The ResNet's attention pooling: the mean of the feature map is prepended as a query token,
 * positional embeddings are added, and one multi-head attention step of that token over all
 * positions gives the image embedding.
 */
public final class AttentionPool2d extends Module {
    public final Tensor positionalEmbedding;
    public final Linear kProj, qProj, vProj, cProj;
    private final long heads;
    private final long dim;

    public AttentionPool2d(int spatial, int dim, int heads, int outDim) {
        this.heads = heads;
        this.dim = dim;
        positionalEmbedding = Params.parameter(this, "positional_embedding",
                torch.randn((long) spatial * spatial + 1, dim).div_(new Scalar(Math.sqrt(dim))));
        kProj = register_module("k_proj", new Linear(dim, dim));
        qProj = register_module("q_proj", new Linear(dim, dim));
        vProj = register_module("v_proj", new Linear(dim, dim));
        cProj = register_module("c_proj", new Linear(dim, outDim));
    }

    public Tensor forward(Tensor x) {
        long n = x.size(0);
        x = x.flatten(2, -1).transpose(1, 2); // [N, HW, C]
        Tensor mean = x.mean(new long[]{1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        x = torch.cat(new TensorVector(mean, x), 1).add(positionalEmbedding.to(x.scalar_type()));
        long l = x.size(1), hd = dim / heads;
        // contiguous: on the strided one-row slice libtorch 2.10's bf16 linear takes a slow path
        // (measured 224 ms against 17 ms for all 50 rows of RN50's batch of 16 on Zen 4)
        Tensor q = qProj.forward(x.narrow(1, 0, 1).contiguous()).view(n, 1, heads, hd).transpose(1, 2);
        Tensor k = kProj.forward(x).view(n, l, heads, hd).transpose(1, 2);
        Tensor v = vProj.forward(x).view(n, l, heads, hd).transpose(1, 2);
        if (Precisions.isBf16(x)) {
            // one query token: the attention itself is cheap, so it and the output projection run in
            // float32 and the image features come out exactly as the fp32 path would compute them
            q = q.to(torch.ScalarType.Float);
            k = k.to(torch.ScalarType.Float);
            v = v.to(torch.ScalarType.Float);
        }
        Tensor o = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, false,
                new DoubleOptional(), false);
        return cProj.forward(o.transpose(1, 2).reshape(n, dim));
    }

    /** bf16 copies of the k/q/v projections, int8 of all four, or none (FP32). */
    void prepare(Precision p) {
        for (Linear l : new Linear[]{kProj, qProj, vProj, cProj}) {
            l.kernels().release();
            if (p == Precision.BF16 && l != cProj) {
                l.kernels().prepareBf16();
            } else if (p == Precision.INT8) {
                l.kernels().prepareInt8();
            }
        }
    }
}
