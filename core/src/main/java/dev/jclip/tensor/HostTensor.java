package dev.jclip.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense tensor in host memory: element type, shape and little-endian row-major bytes.
 * This is the interchange type between file formats (safetensors, PyTorch pickles) and the
 * compute engine; it deliberately has no arithmetic.
 */
public record HostTensor(DType dtype, long[] shape, ByteBuffer data) {

    public HostTensor {
        shape = shape.clone();
        long n = numel(shape);
        if ((long) data.remaining() != n * dtype.byteSize()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + n * dtype.byteSize() + " bytes, got " + data.remaining());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of elements of a shape, failing on negative or overflowing dimensions. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long numel() {
        return numel(shape);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A read-only little-endian view of the bytes, positioned at zero. */
    @Override
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static HostTensor ofFloats(float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new HostTensor(DType.F32, shape, b);
    }

    public static HostTensor ofLongs(long[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new HostTensor(DType.I64, shape, b);
    }

    public static HostTensor ofBytes(byte[] values, long... shape) {
        return new HostTensor(DType.U8, shape, ByteBuffer.wrap(values));
    }

    /** The values converted to float (F16/BF16 upcast exactly; integers converted). */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = data();
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8); }
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Half.toFloat(b.getShort(i * 2)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16); }
            case I64 -> { for (int i = 0; i < n; i++) out[i] = b.getLong(i * 8); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
        }
        return out;
    }

    /** The values as longs; only for integer types. */
    public long[] toLongArray() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        ByteBuffer b = data();
        switch (dtype) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(i * 4); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(i * 2); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
            default -> throw new IllegalStateException("not an integer tensor: " + dtype);
        }
        return out;
    }

    /** The raw bytes (copy). */
    public byte[] toByteArray() {
        byte[] out = new byte[data.remaining()];
        data().get(out);
        return out;
    }
}
