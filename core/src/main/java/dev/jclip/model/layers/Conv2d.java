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
        weight = Params.parameter(this, "weight", torch.uniform_(torch.empty(out, in, kernel, kernel), -bound, bound));
        this.stride = stride;
        this.padding = padding;
    }

    public Tensor forward(Tensor x) {
        return torch.conv2d(x, weight, new TensorOptional(), new long[]{stride, stride},
                new long[]{padding, padding}, new long[]{1, 1}, 1);
    }
}
