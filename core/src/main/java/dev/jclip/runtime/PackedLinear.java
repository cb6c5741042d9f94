package dev.jclip.runtime;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.NumberType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.OptionalType;
import org.bytedeco.pytorch.SingletonTypePtr;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;

/**
 * Float32 and bf16 inference linear layers on oneDNN with the weight reordered once into oneDNN's blocked
 * layout ({@code mkldnn::_reorder_linear_weight} and {@code mkldnn::_linear_pointwise}, the
 * operators TorchInductor emits for CPU; called through the dispatcher, as they have no C++ API).
 *
 * <p>Why not OpenBLAS, which eager {@code linear} calls: OpenBLAS's worker threads spin for a long
 * while after each product, and on a small machine they take the cores the OpenMP threads of
 * every other operation (oneDNN's convolutions, attention, layer norm, activations) then need.
 * Measured on Zen 4 with 2 threads: ViT-B/32's patch convolution ran at half speed behind an
 * OpenBLAS product, and oneDNN's own products at 111 GFLOP/s against 196–209 without OpenBLAS
 * before them, which is also faster than OpenBLAS's 176–202. One thread pool for the whole
 * forward pass removes the contention. In bf16 the gain is the reorder itself: eager {@code linear}
 * reorders the weight into the matrix engine's layout on every call, which on an AMX Xeon cost
 * a quarter to a third of ViT-B/32's products (e.g. 800×768×768: 1.00 ms eager, 0.63 packed).
 * Without autograd this serves only where gradients are off;
 * {@link Machine#packedLinear()} says whether it passed its probe and pays on this machine.
 */
public final class PackedLinear {
    /** Off with -Djclip.packedLinear=false (to measure what it gives). */
    static final boolean ENABLED = !"false".equals(System.getProperty("jclip.packedLinear"));
    private static final OperatorHandle LINEAR = ENABLED ? find("mkldnn::_linear_pointwise") : null;
    private static final OperatorHandle REORDER = ENABLED ? find("mkldnn::_reorder_linear_weight") : null;

    private PackedLinear() {
    }

    /** True when this libtorch has the operators (a build without oneDNN has not). */
    public static boolean available() {
        return LINEAR != null && REORDER != null;
    }

    /**
     * Whether a linear layer on {@code x} (float32 or bf16) should take this path now: the
     * operators exist, gradients are off, and this machine's probe passed it for that dtype.
     */
    public static boolean serves(Tensor x) {
        if (!available() || GradMode.is_enabled()) {
            return false;
        }
        Precision p = dev.jclip.tensor.Torch.isFloat(x) ? Precision.FP32 : dev.jclip.tensor.Torch.isBf16(x) ? Precision.BF16 : null;
        return p != null && Machine.get().packedLinear(p);
    }

    /**
     * {@code weight} [out, in] reordered for products of about {@code rows} rows (other row counts
     * work too). The result outlives the caller's PointerScope; the garbage collector frees it.
     */
    public static Tensor pack(Tensor weight, long rows) {
        Tensor packed;
        try (NoGradGuard ng = new NoGradGuard()) {
            IValueVector stack = new IValueVector(new IValue(weight.detach().contiguous()), new IValue(Math.max(1, rows)));
            REORDER.callBoxed(stack);
            packed = new Tensor(stack.get(0).toTensor());
        }
        PointerScope scope = PointerScope.getInnerScope();
        if (scope != null) {
            packed.retainReference();
            scope.detach(packed);
        }
        return packed;
    }

    /** y = x Wᵀ + b for {@code x} [..., in] on a weight made by {@link #pack}; {@code bias} may be null. */
    public static Tensor apply(Tensor x, Tensor packed, Tensor bias) {
        return apply(x, packed, bias, false);
    }

    /** {@code silu?(x Wᵀ + b)}: oneDNN's swish post-op (x·σ(x)) in the product's epilogue. */
    public static Tensor apply(Tensor x, Tensor packed, Tensor bias, boolean silu) {
        return call(x, packed, bias, silu ? "swish" : "none");
    }

    /** {@code relu(x Wᵀ + b)}: the ReLU in the product's epilogue (a ResNet's 1×1 convolutions on their route). */
    public static Tensor applyRelu(Tensor x, Tensor packed, Tensor bias) {
        return call(x, packed, bias, "relu");
    }

    private static Tensor call(Tensor x, Tensor packed, Tensor bias, String postOp) {
        IValueVector stack = new IValueVector(new IValue(x.contiguous()), new IValue(packed),
                bias == null ? new IValue() : new IValue(bias), new IValue(postOp), noScalars(), new IValue(""));
        LINEAR.callBoxed(stack);
        // toTensor() points into the stack's storage; a handle of our own outlives the stack
        return new Tensor(stack.get(0).toTensor());
    }

    private static IValue noScalars() {
        // made per call: a static type handle would belong to the first caller's PointerScope
        return new IValue(new GenericList(OptionalType.get(new Type.TypePtr(new SingletonTypePtr(NumberType.getNumberIntTypePtr().get())))));
    }

    private static OperatorHandle find(String name) {
        try {
            OperatorHandle h = Dispatcher.singleton().findSchemaOrThrow(name, "");
            h.retainReference(); // the class may first load inside a forward pass's PointerScope
            return h;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code linear(x, weight, bias)} on the packed path, packing on the spot (the probe, tests). */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return apply(x, pack(weight, x.numel() / Math.max(1, x.size(-1))), bias);
    }
}
