package dev.jclip.runtime;

import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.IntType;
import org.bytedeco.pytorch.NumberType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.OptionalType;
import org.bytedeco.pytorch.SingletonTypePtr;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;

/**
 * Inference convolutions with their epilogue in one oneDNN primitive: {@code relu(conv(x) + bias)},
 * as ONNX Runtime runs a ResNet after folding batch norm into the weights. Eager libtorch makes one
 * pass over the activations for the convolution, one for batch norm and one for the ReLU, each
 * into a new tensor; on 2 cores those passes are a large share of RN50's time. The primitive is libtorch's {@code mkldnn::_convolution_pointwise} (the operator
 * TorchInductor emits on CPU), called through the dispatcher because it has no C++ API.
 * It has no autograd, so it serves only where gradients are off; everything else, and every
 * machine whose oneDNN convolutions failed their probe, takes {@link Convs#forward} plus the
 * epilogue as separate operations.
 */
public final class FusedConv {
    /** Off with -Djclip.fusedConv=false (to measure what the fusion gives). */
    static final boolean ENABLED = !"false".equals(System.getProperty("jclip.fusedConv"));
    private static final OperatorHandle UNARY = ENABLED ? find("") : null;

    private FusedConv() {
    }

    /** True when this libtorch has the fused operators (a build without oneDNN has not). */
    public static boolean available() {
        return UNARY != null;
    }

    /**
     * {@code relu?(conv(x, w) + bias + residual?)} for a square kernel; {@code residual} may be null.
     * Fused when gradients are off, the operators exist and the kernel family runs on oneDNN here.
     */
    public static Tensor forward(Tensor x, Tensor w, Tensor bias, long stride, long padding, Tensor residual, boolean relu) {
        if (w.is_mkldnn() || runsFused(x, w)) { // a prepacked weight was made where the fused path runs
            return fused(x, w, bias, stride, padding, residual, relu);
        }
        return unfused(x, w, bias, stride, padding, residual, relu);
    }

    /** Whether {@link #forward} convolves {@code x} by the plain weight {@code w} in the fused primitive here. */
    public static boolean runsFused(Tensor x, Tensor w) {
        return available() && !GradMode.is_enabled() && Convs.onOneDnn(x, w);
    }

    /**
     * Whether a 1×1 stride-1 convolution by {@code w} runs as a packed oneDNN product here instead:
     * its kernel family failed its probe (oneDNN's convolution would crash or miscompute), gradients
     * are off, and the packed float32 product passed its own probe. A 1×1 convolution over
     * channels-last pixels is a product over each pixel's channels; oneDNN's product has its own
     * blocking code, and with the bias and ReLU in its epilogue it runs as fast as the fused
     * convolution where both work (Zen 4, RN50's twelve 1×1 shapes: 129.0 against 131.5 ms).
     */
    public static boolean pointwiseAsProduct(Tensor x, Tensor w, long stride, long padding) {
        return w.size(2) == 1 && w.size(3) == 1 && stride == 1 && padding == 0 && PackedLinear.serves(x) && !Convs.onOneDnn(x, w);
    }

    /**
     * {@code relu?(conv1x1(x) + bias + residual?)} as one packed product over the channels-last
     * pixels of {@code x} [N, C, H, W]; {@code packed} comes from {@link PackedLinear#pack} of the
     * weight viewed as [O, C]. The result is [N, O, H, W] in channels-last memory.
     */
    public static Tensor pointwise(Tensor x, Tensor packed, Tensor bias, Tensor residual, boolean relu) {
        long n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        Tensor rows = x.contiguous(torch.MemoryFormat.ChannelsLast).permute(0, 2, 3, 1).reshape(n * h * wd, c);
        boolean reluInside = relu && residual == null;
        Tensor y = reluInside ? PackedLinear.applyRelu(rows, packed, bias) : PackedLinear.apply(rows, packed, bias);
        y = y.view(n, h, wd, -1).permute(0, 3, 1, 2);
        if (residual != null) {
            y.add_(residual);
            if (relu) {
                y.relu_();
            }
        }
        return y;
    }

    /** The same arithmetic as separate operations on the route {@link Convs#forward} takes. */
    public static Tensor unfused(Tensor x, Tensor w, Tensor bias, long stride, long padding, Tensor residual, boolean relu) {
        Tensor y = Convs.forward(x, w, stride, padding).add(bias.view(1, -1, 1, 1));
        if (residual != null) {
            y = y.add(residual);
        }
        return relu ? torch.relu(y) : y;
    }

    /**
     * oneDNN's fused convolution + bias (+ ReLU) on channels-last data (its fastest layout on CPU).
     * The residual sum runs in place on the fresh output: the operator's binary form is not used,
     * since with a ReLU after the sum it either refuses ("Binary Fusion behavior undefined" for
     * "sum") or aborts the process (for "add") in libtorch 2.10.
     */
    public static Tensor fused(Tensor x, Tensor w, Tensor bias, long stride, long padding, Tensor residual, boolean relu) {
        Tensor xc = x.contiguous(torch.MemoryFormat.ChannelsLast);
        Tensor wc = w.is_mkldnn() ? w : w.contiguous(torch.MemoryFormat.ChannelsLast); // a prepacked weight is used as it is
        boolean reluInside = relu && residual == null;
        IValueVector stack = new IValueVector(new IValue(xc), new IValue(wc), new IValue(bias), ints(padding), ints(stride),
                ints(1), new IValue(1L), new IValue(reluInside ? "relu" : "none"), noScalars(), new IValue());
        UNARY.callBoxed(stack);
        // toTensor() points into the stack's storage; a handle of our own outlives the stack
        Tensor y = new Tensor(stack.get(0).toTensor());
        if (residual != null) {
            y.add_(residual);
            if (relu) {
                y.relu_();
            }
        }
        return y;
    }

    private static IValue ints(long v) {
        // Type handles are made per call: a static one would belong to the PointerScope of the
        // first forward pass and die with it.
        GenericList l = new GenericList(new Type.TypePtr(new SingletonTypePtr(IntType.getIntTypePtr().get())));
        l.push_back(new IValue(v));
        l.push_back(new IValue(v));
        return new IValue(l);
    }

    private static IValue noScalars() {
        return new IValue(new GenericList(
                OptionalType.get(new Type.TypePtr(new SingletonTypePtr(NumberType.getNumberIntTypePtr().get())))));
    }

    private static OperatorHandle find(String overload) {
        try {
            OperatorHandle h = Dispatcher.singleton().findSchemaOrThrow("mkldnn::_convolution_pointwise", overload);
            // the class may first load inside a forward pass's PointerScope: keep the handle past it
            h.retainReference();
            return h;
        } catch (RuntimeException e) {
            return null; // a libtorch without oneDNN: the unfused path serves
        }
    }
}
