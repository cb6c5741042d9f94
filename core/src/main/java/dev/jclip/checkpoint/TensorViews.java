package dev.jclip.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Arithmetic of strided tensor views over a flat storage. */
final class TensorViews {
    private TensorViews() {
    }

    /** True when a view is the row-major layout of its shape; size-1 dimensions may have any stride. */
    static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    /**
     * One past the highest storage index a view touches, or 0 for a view without elements.
     *
     * @throws ArithmeticException when the arithmetic overflows (such a view can never fit)
     */
    static long extent(long offset, long[] size, long[] stride) {
        long last = offset;
        for (int d = 0; d < size.length; d++) {
            if (size[d] == 0) {
                return 0;
            }
            last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
        }
        return Math.addExact(last, 1);
    }

    /**
     * Copies a strided view into a new contiguous little-endian buffer. The caller has checked
     * that the view lies inside the storage and that the copy is affordable.
     */
    static ByteBuffer gather(ByteBuffer storage, int elemSize, long offset, long[] size, long[] stride) {
        int rank = size.length;
        long numel = 1;
        for (long s : size) {
            numel = Math.multiplyExact(numel, s);
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(numel * elemSize)).order(ByteOrder.LITTLE_ENDIAN);
        if (numel == 0) {
            return out;
        }
        if (rank == 0) {
            copy(storage, offset * elemSize, out, 0, elemSize);
            return out;
        }
        // walk every index of the outer dimensions; the innermost one is a run when its stride is 1
        int inner = rank - 1;
        long innerSize = size[inner], innerStride = stride[inner];
        long[] idx = new long[rank];
        long base = offset;
        int pos = 0;
        while (true) {
            if (innerStride == 1) {
                copy(storage, base * elemSize, out, pos, (int) (innerSize * elemSize));
                pos += (int) (innerSize * elemSize);
            } else {
                for (long i = 0; i < innerSize; i++) {
                    copy(storage, (base + i * innerStride) * elemSize, out, pos, elemSize);
                    pos += elemSize;
                }
            }
            int d = inner - 1;
            while (d >= 0) {
                idx[d]++;
                base += stride[d];
                if (idx[d] < size[d]) {
                    break;
                }
                base -= idx[d] * stride[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return out;
            }
        }
    }

    private static void copy(ByteBuffer from, long fromByte, ByteBuffer to, int toByte, int len) {
        to.put(toByte, from, Math.toIntExact(fromByte), len);
    }
}
