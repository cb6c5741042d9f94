package dev.jclip.model.layers;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** A square-kernel 2-D convolution without bias (every convolution in CLIP is bias-free). */
public final class Conv2d extends Module {
    public final Tensor weight;
    private final long stride;
    private final long padding;

    public Conv2d(long in, long out, long kernel, long stride, long padding) {
        double bound = 1.0 / Math.sqrt(in * kernel * kernel);
        weight = Params.parameter(this, "weight", Params.uniform(bound, out, in, kernel, kernel));
        this.stride = stride;
        this.padding = padding;
    }

    /** The stride, as the reference module's. */
    public long stride() {
        return stride;
    }

    /** The zero padding on every side. */
    public long padding() {
        return padding;
    }

    static final boolean CHANNELS_LAST = dev.jclip.runtime.Convs.CHANNELS_LAST;

    /** The bf16 inference copy, channels-last when that layout is on; null in fp32. */
    private volatile Bf16 bf16;

    /** The copy and the weight's version it was made from: an in-place change (a checkpoint load) makes it stale. */
    private record Bf16(long version, Tensor weight) {
    }

    /** Makes the bf16 inference copy (again after an in-place change of the weight). */
    public synchronized void prepareBf16() {
        try (var ng = new org.bytedeco.pytorch.NoGradGuard()) {
            long v = Params.version(weight);
            Tensor w = weight.detach().to(torch.ScalarType.BFloat16);
            bf16 = new Bf16(v, Params.owned(CHANNELS_LAST ? w.contiguous(torch.MemoryFormat.ChannelsLast) : w.contiguous()));
        }
    }

    /** Drops the inference copy. */
    public void release() {
        bf16 = null;
    }

    public Tensor forward(Tensor x) {
        Tensor w = weight;
        if (dev.jclip.tensor.Torch.isBf16(x)) {
            Bf16 c = bf16;
            if (c != null && c.version != Params.version(weight)) {
                prepareBf16();
                c = bf16;
            }
            w = c != null ? c.weight : weight.to(torch.ScalarType.BFloat16);
        }
        // the runtime picks oneDNN's convolution or, where that failed its probe, matrix products
        return dev.jclip.runtime.Convs.forward(x, w, stride, padding);
    }
}
