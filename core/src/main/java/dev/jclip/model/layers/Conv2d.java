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

    /**
     * oneDNN's CPU convolutions are fastest on channels-last (NHWC) data: measured 1.3x on RN50
     * at batch 16. Activations flow between convolutions in that layout; the weight is converted
     * per call (a copy of well under 1% of the convolution's time) so that parameters, state dicts
     * and checkpoints keep the reference's contiguous layout. Off with -Djclip.channelsLast=false.
     */
    static final boolean CHANNELS_LAST = !"false".equals(System.getProperty("jclip.channelsLast"));

    /** The bf16 inference copy, channels-last when that layout is on; null in fp32. */
    private Tensor bf16Weight;

    /** Makes the bf16 inference copy once (call outside any PointerScope). */
    public void prepareBf16() {
        try (var ng = new org.bytedeco.pytorch.NoGradGuard()) {
            Tensor w = weight.detach().to(torch.ScalarType.BFloat16);
            bf16Weight = CHANNELS_LAST ? w.contiguous(torch.MemoryFormat.ChannelsLast) : w.contiguous();
        }
    }

    /** Drops the inference copy. */
    public void release() {
        bf16Weight = null;
    }

    public Tensor forward(Tensor x) {
        Tensor w = weight;
        if (dev.jclip.tensor.Torch.isBf16(x)) {
            w = bf16Weight != null ? bf16Weight : weight.to(torch.ScalarType.BFloat16);
        }
        if (CHANNELS_LAST) {
            x = x.contiguous(torch.MemoryFormat.ChannelsLast);
            w = w.contiguous(torch.MemoryFormat.ChannelsLast);
        }
        return torch.conv2d(x, w, new TensorOptional(), new long[]{stride, stride},
                new long[]{padding, padding}, new long[]{1, 1}, 1);
    }
}
