package dev.jclip.model;

import dev.jclip.runtime.PackedLinear;
import dev.jclip.model.layers.PackedWeight;
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
 *
 * <p>For inference that step is computed without projecting the keys and values. With one query
 * q per head, q·(W_k x + b_k) = (W_kᵀ q)·x + q·b_k, and the last term is the same for every
 * position, which the softmax ignores; the output Σ p (W_v x + b_v) = W_v (Σ p x) + b_v, as the
 * weights p sum to one. So the query is carried to the input width once per head and the
 * weighted mean of the inputs goes through W_v once per head: about 20 M multiply-adds an image
 * instead of RN50's 430 M for the two projections of all 50 positions. Every product runs on
 * oneDNN ({@link PackedLinear}): libtorch's batched products would run on OpenBLAS, whose thread
 * pool the parts of a split batch then fight over. It runs in float32 in every precision (only
 * the query's projection and c_proj take the tower's int8 kernel in int8).
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
        if (!is_training() && !org.bytedeco.pytorch.GradMode.is_enabled() && folds()) {
            return folded((x.scalar_type() == torch.ScalarType.Float ? x : x.to(torch.ScalarType.Float)).contiguous());
        }
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

    /** Off with -Djclip.foldedPool=false (to measure what it gives). */
    private static final boolean FOLDED = !"false".equals(System.getProperty("jclip.foldedPool"));
    /** Per head h: W_k,h [hd, C] applied as q_h·W_k,h, and W_v,h [hd, C] applied as z_h·W_v,hᵀ; made on first use. */
    private volatile PackedWeight[] keyHeads, valueHeads;

    /** Whether inference takes the folded step here: it is on and the packed float32 product runs on this machine. */
    private static boolean folds() {
        return FOLDED && PackedLinear.available() && dev.jclip.runtime.Machine.get().packedLinear();
    }

    /** The attention step of {@code x} [N, L, C] (float32) without key and value projections (see the class comment). */
    private Tensor folded(Tensor x) {
        long n = x.size(0), hd = dim / heads;
        if (keyHeads == null) {
            makeHeads();
        }
        Tensor q = qProj.forward(x.select(1, 0).contiguous()).mul_(new Scalar(1.0 / Math.sqrt(hd)));
        Tensor[] u = new Tensor[(int) heads];
        for (int h = 0; h < heads; h++) {
            u[h] = keyHeads[h].apply(q.narrow(1, h * hd, hd), null); // [N, C]
        }
        Tensor uh = torch.stack(new TensorVector(u), 1); // [N, heads, C]
        Tensor[] z = new Tensor[(int) n];
        for (int i = 0; i < n; i++) {
            Tensor xi = x.select(0, i); // [L, C]
            Tensor scores = PackedLinear.apply(uh.select(0, i), xi, null); // [heads, L]
            Tensor p = torch.softmax(scores, -1, new org.bytedeco.pytorch.ScalarTypeOptional());
            z[i] = PackedLinear.apply(p, xi.t().contiguous(), null); // [heads, C]: each head's weighted mean
        }
        Tensor zh = torch.stack(new TensorVector(z), 0); // [N, heads, C]
        Tensor[] o = new Tensor[(int) heads];
        for (int h = 0; h < heads; h++) {
            o[h] = valueHeads[h].apply(zh.select(1, h), null); // [N, hd]
        }
        return cProj.forward(torch.cat(new TensorVector(o), 1).add_(vProj.bias));
    }

    private synchronized void makeHeads() {
        if (keyHeads != null) {
            return;
        }
        long hd = dim / heads;
        PackedWeight[] k = new PackedWeight[(int) heads], v = new PackedWeight[(int) heads];
        for (int h = 0; h < heads; h++) {
            // views of the weights, so the packed copies follow a checkpoint load; they live with the layer
            k[h] = new PackedWeight(Params.owned(kProj.weight.narrow(0, h * hd, hd)), true);
            v[h] = new PackedWeight(Params.owned(vProj.weight.narrow(0, h * hd, hd)), false);
        }
        valueHeads = v;
        keyHeads = k;
    }

    /**
     * bf16 copies of the k/q/v projections, int8 of all four, or none (FP32). Where the folded
     * step runs, the keys' and values' weights are only read in float32 (per head), so they get
     * no copies; the reference step, where packed products do not run, then converts per call.
     */
    void prepare(Precision p) {
        boolean folds = folds();
        for (Linear l : new Linear[]{kProj, qProj, vProj, cProj}) {
            l.kernels().release();
            if (folds && (l == kProj || l == vProj)) {
                continue;
            }
            if (p == Precision.BF16 && l != cProj) {
                l.kernels().prepareBf16();
            } else if (p == Precision.INT8) {
                l.kernels().prepareInt8();
            }
        }
    }
}
