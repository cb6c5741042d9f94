package dev.jclip.runtime;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The two ways jclip convolves: libtorch's convolution (oneDNN on this build) and the same
 * arithmetic as matrix products, which never enters oneDNN's convolution code. {@link #forward}
 * takes the path {@link Machine} chose for the kernel family; the matrix-product path is the
 * route for a CPU on which oneDNN's convolution failed its probe.
 */
public final class Convs {
    /**
     * oneDNN's CPU convolutions are fastest on channels-last (NHWC) data: measured 1.3x on RN50
     * at batch 16. Off with -Djclip.channelsLast=false.
     */
    public static final boolean CHANNELS_LAST = !"false".equals(System.getProperty("jclip.channelsLast"));

    static {
        OneDnnCaches.mend(); // a caller may convolve before anything asks the Machine
    }

    private Convs() {
    }

    /** A bias-free square convolution of {@code x} [N, C, H, W] by {@code w} [O, C, k, k] on the chosen path. */
    public static Tensor forward(Tensor x, Tensor w, long stride, long padding) {
        return onOneDnn(x, w) ? oneDnn(x, w, stride, padding) : gemm(x, w, stride, padding);
    }

    /** Whether convolving {@code x} by {@code w} may enter oneDNN here: its kernel family passed its probe. */
    static boolean onOneDnn(Tensor x, Tensor w) {
        Precision p = dev.jclip.tensor.Torch.isBf16(x) ? Precision.BF16 : Precision.FP32;
        Kernel.Family f = w.size(2) == 1 && w.size(3) == 1 ? Kernel.Family.CONV1X1 : Kernel.Family.CONV3X3;
        return Machine.get().runs(new Kernel(f, p));
    }

    /** libtorch's convolution, channels-last when that layout is on. */
    public static Tensor oneDnn(Tensor x, Tensor w, long stride, long padding) {
        if (CHANNELS_LAST) {
            x = x.contiguous(torch.MemoryFormat.ChannelsLast);
            w = w.contiguous(torch.MemoryFormat.ChannelsLast);
        }
        return torch.conv2d(x, w, new TensorOptional(), new long[]{stride, stride}, new long[]{padding, padding},
                new long[]{1, 1}, 1);
    }

    /**
     * The convolution as matrix products: a 1×1 stride-1 convolution is a linear layer over the
     * channels of every pixel; any other is im2col then one product per image. Autograd follows
     * both (im2col's gradient is col2im).
     */
    public static Tensor gemm(Tensor x, Tensor w, long stride, long padding) {
        long n = x.size(0), o = w.size(0), c = w.size(1), k = w.size(2);
        if (k == 1 && stride == 1 && padding == 0) {
            Tensor y = torch.linear(x.permute(0, 2, 3, 1), w.reshape(o, c)); // [N, H, W, O]
            return y.permute(0, 3, 1, 2);
        }
        long h = (x.size(2) + 2 * padding - k) / stride + 1, wd = (x.size(3) + 2 * padding - k) / stride + 1;
        Tensor cols = torch.im2col(x.contiguous(), new long[]{k, k}, new long[]{1, 1}, new long[]{padding, padding},
                new long[]{stride, stride}); // [N, C·k·k, H'·W']
        return torch.matmul(w.reshape(o, c * k * k), cols).view(n, o, h, wd);
    }
}
