package dev.jclip.runtime;

import java.util.List;
import java.util.Locale;

/**
 * A native kernel family in one precision, as jclip calls it: the unit a probe checks and a
 * verdict names, e.g. {@code conv1x1/fp32}.
 *
 * @param family    what is computed
 * @param precision in which precision
 */
public record Kernel(Family family, Precision precision) {

    /** The kernel families jclip's encoders run. */
    public enum Family {
        /** oneDNN's 1×1 convolution (ResNet bottlenecks), forward and backward. */
        CONV1X1,
        /** oneDNN's 3×3 convolution (ResNet stem and bottlenecks), forward and backward. */
        CONV3X3,
        /** Matrix products of linear layers (OpenBLAS in fp32 with gradients and as the route, oneDNN in bf16, fbgemm in int8). */
        LINEAR,
        /** Inference linear layers on oneDNN with the weight reordered once ({@link PackedLinear}), fp32 and bf16. */
        PACKED_LINEAR,
        /** Scaled dot-product attention (libtorch's fused kernel in fp32, bf16 products around a float32 softmax). */
        ATTENTION
    }

    /**
     * Every kernel jclip runs: int8 exists for linear layers only. The packed linear comes before
     * OpenBLAS's so that its timing is not taken beside OpenBLAS's spinning threads.
     */
    public static final List<Kernel> ALL = List.of(
            new Kernel(Family.CONV1X1, Precision.FP32), new Kernel(Family.CONV1X1, Precision.BF16),
            new Kernel(Family.CONV3X3, Precision.FP32), new Kernel(Family.CONV3X3, Precision.BF16),
            new Kernel(Family.PACKED_LINEAR, Precision.FP32), new Kernel(Family.PACKED_LINEAR, Precision.BF16),
            new Kernel(Family.LINEAR, Precision.FP32), new Kernel(Family.LINEAR, Precision.BF16),
            new Kernel(Family.LINEAR, Precision.INT8),
            new Kernel(Family.ATTENTION, Precision.FP32), new Kernel(Family.ATTENTION, Precision.BF16));

    public Kernel {
        if (precision == Precision.AUTO) {
            throw new IllegalArgumentException("a kernel has a concrete precision");
        }
    }

    /** Parses {@link #id()}. */
    public static Kernel parse(String id) {
        int slash = id.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("kernel id is family/precision, e.g. conv1x1/fp32: " + id);
        }
        return new Kernel(Family.valueOf(id.substring(0, slash).trim().toUpperCase(Locale.ROOT)),
                Precision.parse(id.substring(slash + 1)));
    }

    /** {@code family/precision} in lower case. */
    public String id() {
        return family.name().toLowerCase(Locale.ROOT) + "/" + precision.label();
    }

    @Override
    public String toString() {
        return id();
    }
}
