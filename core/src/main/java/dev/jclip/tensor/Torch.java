package dev.jclip.tensor;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Copies between {@link HostTensor} (Java heap) and libtorch tensors (native memory). */
public final class Torch {
    private Torch() {
    }

    public static torch.ScalarType scalarType(DType d) {
        return switch (d) {
            case F64 -> torch.ScalarType.Double;
            case F32 -> torch.ScalarType.Float;
            case F16 -> torch.ScalarType.Half;
            case BF16 -> torch.ScalarType.BFloat16;
            case I64 -> torch.ScalarType.Long;
            case I32 -> torch.ScalarType.Int;
            case I16 -> torch.ScalarType.Short;
            case I8 -> torch.ScalarType.Char;
            case U8 -> torch.ScalarType.Byte;
            case BOOL -> torch.ScalarType.Bool;
        };
    }

    /**
     * The DType of a libtorch scalar type. JavaCPP materializes enums returned from native code as
     * fresh instances (ordinal 0), so they must be compared by {@code value}, never by identity,
     * {@code switch} or ordinal.
     */
    public static DType dtype(torch.ScalarType s) {
        for (DType d : DType.values()) {
            if (scalarType(d).value == s.value) {
                return d;
            }
        }
        throw new IllegalArgumentException("unsupported scalar type " + s);
    }

    /** Whether two scalar types are the same (by value; see {@link #dtype}). */
    public static boolean same(torch.ScalarType a, torch.ScalarType b) {
        return a.value == b.value;
    }

    /** Whether a tensor holds float32. */
    public static boolean isFloat(Tensor t) {
        return t.scalar_type().value == torch.ScalarType.Float.value;
    }

    /**
     * Whether {@code t} holds bfloat16. Compare dtypes by value: the enum JavaCPP returns from
     * {@code scalar_type()} is not always the same instance as the constant.
     */
    public static boolean isBf16(Tensor t) {
        return t.scalar_type().value == torch.ScalarType.BFloat16.value;
    }

    /** A new native tensor holding a copy of the host tensor, same dtype. */
    public static Tensor toTorch(HostTensor h) {
        Tensor t = torch.empty(h.shape(), new TensorOptions(scalarType(h.dtype())), null);
        long n = h.numel() * h.dtype().byteSize();
        if (n > 0) {
            Pointer p = t.mutable_data_ptr();
            ByteBuffer dst = new BytePointer(p).capacity(n).asByteBuffer();
            dst.put(h.data());
        }
        return t;
    }

    /** A new float32 native tensor (upcasting F16/BF16/F64 exactly as torch's .float()). */
    public static Tensor toTorchFloat(HostTensor h) {
        Tensor t = toTorch(h);
        return h.dtype() == DType.F32 ? t : t.to(torch.ScalarType.Float);
    }

    /** A native float32 tensor of the given values and shape. */
    public static Tensor floats(float[] values, long... shape) {
        return toTorch(HostTensor.ofFloats(values, shape));
    }

    /** A native int64 tensor of the given values and shape. */
    public static Tensor longs(long[] values, long... shape) {
        return toTorch(HostTensor.ofLongs(values, shape));
    }

    /** Copies a native tensor (any layout) to the host. */
    public static HostTensor toHost(Tensor t) {
        Tensor c = t.contiguous();
        DType d = dtype(c.scalar_type());
        long[] shape = c.sizes().vec().get();
        long n = c.numel() * d.byteSize();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
        if (n > 0) {
            b.put(new BytePointer(c.const_data_ptr()).capacity(n).asByteBuffer());
            b.flip();
        }
        return new HostTensor(d, shape, b);
    }

    /** The values of a native tensor as float32. */
    public static float[] toFloatArray(Tensor t) {
        Tensor f = isFloat(t) ? t : t.to(torch.ScalarType.Float);
        return toHost(f).toFloatArray();
    }

    /** The rows of a 2-D float tensor [N, D] as N arrays of D floats. */
    public static java.util.List<float[]> rows(Tensor t) {
        float[] v = toFloatArray(t);
        int n = (int) t.size(0), d = (int) t.size(1);
        java.util.List<float[]> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(java.util.Arrays.copyOfRange(v, i * d, (i + 1) * d));
        }
        return out;
    }

    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }
}
