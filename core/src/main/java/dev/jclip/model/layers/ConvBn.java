package dev.jclip.model.layers;

import dev.jclip.runtime.FusedConv;
import dev.jclip.runtime.PackedLinear;
import dev.jclip.tensor.Torch;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A convolution followed by its batch norm, optionally a residual sum and a ReLU: the unit of
 * CLIP's ResNet. While training, or whenever gradients are on, it runs the two modules as they
 * are. For inference it folds the batch norm into the convolution once (weight × γ/√(σ²+ε),
 * bias β − μ·γ/√(σ²+ε), computed in float64) and hands the rest to {@link FusedConv}; a 1×1
 * convolution whose oneDNN kernel failed its probe keeps its folded weight packed for a oneDNN
 * product instead ({@link FusedConv#pointwiseAsProduct}). The folded
 * copy is rebuilt when any of the five tensors it comes from changes (their version counters: a
 * loaded checkpoint or an optimizer step bumps them) or the precision changes.
 */
public final class ConvBn {
    private static final double EPS = 1e-5;
    private final Conv2d conv;
    private final BatchNorm2d bn;
    private volatile Folded folded;

    /**
     * {@code packed}: the folded 1×1 weight packed for a oneDNN product, where that is the route;
     * {@code prepacked}: the folded weight in oneDNN's blocked layout for the fused convolution,
     * where that is the route; else null.
     */
    private record Folded(long[] versions, boolean bf16, Tensor weight, Tensor bias, Tensor packed, Tensor prepacked) {
    }

    /**
     * Off with -Djclip.prepackConv=false. Given a plain weight, oneDNN's convolution reorders it into
     * its blocked layout on every call: on Zen 5 (RN50 fp32, batch 16, ONEDNN_VERBOSE) about 42 ms of
     * weight reorders per 420 ms forward, most for stage 4's large weights at 7×7 and 14×14.
     */
    private static final boolean PREPACK = !"false".equals(System.getProperty("jclip.prepackConv"));

    public ConvBn(Conv2d conv, BatchNorm2d bn) {
        this.conv = conv;
        this.bn = bn;
    }

    /** {@code relu?(bn(conv(x)) + residual?)}; {@code residual} may be null. */
    public Tensor forward(Tensor x, Tensor residual, boolean relu) {
        if (bn.is_training() || GradMode.is_enabled()) {
            Tensor y = bn.forward(conv.forward(x));
            if (residual != null) {
                y = y.add(residual);
            }
            return relu ? torch.relu(y) : y;
        }
        Folded f = folded(x);
        if (f.packed != null) {
            return FusedConv.pointwise(x, f.packed, f.bias, residual, relu);
        }
        return FusedConv.forward(x, f.prepacked != null ? f.prepacked : f.weight, f.bias, conv.stride(), conv.padding(), residual, relu);
    }

    /** Drops the folded copy (the precision changed or the weights are about to). */
    public void release() {
        folded = null;
    }

    private Folded folded(Tensor x) {
        boolean bf16 = Torch.isBf16(x);
        long[] v = versions();
        Folded f = folded;
        if (f != null && f.bf16 == bf16 && java.util.Arrays.equals(f.versions, v)) {
            return f;
        }
        synchronized (this) {
            f = folded;
            if (f == null || f.bf16 != bf16 || !java.util.Arrays.equals(f.versions, v)) {
                f = fold(v, bf16, x);
                folded = f;
            }
            return f;
        }
    }

    private Folded fold(long[] versions, boolean bf16, Tensor x) {
        Tensor w, b, packed = null, prepacked = null;
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor scale = bn.weight.to(torch.ScalarType.Double)
                    .div(bn.runningVar.to(torch.ScalarType.Double).add(new Scalar(EPS)).sqrt());
            Tensor wd = conv.weight.to(torch.ScalarType.Double).mul(scale.view(-1, 1, 1, 1));
            Tensor bd = bn.bias.to(torch.ScalarType.Double).sub(bn.runningMean.to(torch.ScalarType.Double).mul(scale));
            torch.ScalarType t = bf16 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float;
            w = wd.to(t).contiguous(torch.MemoryFormat.ChannelsLast);
            b = bd.to(t).contiguous();
            if (FusedConv.pointwiseAsProduct(x, w, conv.stride(), conv.padding())) {
                packed = PackedLinear.pack(w.reshape(w.size(0), w.size(1)), x.size(0) * x.size(2) * x.size(3));
            } else if (PREPACK && FusedConv.runsFused(x, w)) {
                long p = conv.padding(), st = conv.stride();
                prepacked = torch.mkldnn_reorder_conv2d_weight(w.contiguous().to_mkldnn(), new long[]{p, p}, new long[]{st, st},
                        new long[]{1, 1}, 1, x.sizes().vec().get());
            }
        }
        // the copy outlives the forward pass that made it; the garbage collector frees a replaced one
        return new Folded(versions, bf16, Params.owned(w), Params.owned(b), packed,
                prepacked == null ? null : Params.owned(prepacked));
    }

    private long[] versions() {
        Tensor[] sources = {conv.weight, bn.weight, bn.bias, bn.runningMean, bn.runningVar};
        long[] v = new long[sources.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Params.version(sources[i]);
        }
        return v;
    }
}
