package dev.jclip.checkpoint;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorViewsTest {

    @Test
    void contiguityIgnoresStridesOfUnitDimensions() {
        assertTrue(TensorViews.isContiguous(new long[]{2, 3}, new long[]{3, 1}));
        assertTrue(TensorViews.isContiguous(new long[]{1, 3}, new long[]{99, 1}));
        assertTrue(TensorViews.isContiguous(new long[]{}, new long[]{}));
        assertFalse(TensorViews.isContiguous(new long[]{3, 2}, new long[]{1, 3}));
        assertFalse(TensorViews.isContiguous(new long[]{3}, new long[]{2}));
    }

    @Test
    void extentIsExactAndOverflowChecked() {
        assertEquals(12, TensorViews.extent(0, new long[]{3, 4}, new long[]{1, 3}));
        assertEquals(8, TensorViews.extent(7, new long[]{}, new long[]{}));
        assertEquals(0, TensorViews.extent(1000, new long[]{5, 0}, new long[]{1, 1}));
        assertThrows(ArithmeticException.class,
                () -> TensorViews.extent(0, new long[]{1L << 40, 1L << 40}, new long[]{1L << 40, 1}));
    }

    /** Random permutations, slices and steps of a storage, against element-by-element indexing. */
    @Test
    void gatherMatchesNaiveIndexing() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 500; trial++) {
            int rank = rnd.nextInt(5);
            long[] size = new long[rank], stride = new long[rank];
            long extent = 1;
            for (int d = 0; d < rank; d++) {
                size[d] = rnd.nextInt(4) + (rnd.nextInt(10) == 0 ? 0 : 1);
                stride[d] = rnd.nextInt(7);
                extent += Math.max(0, size[d] - 1) * stride[d];
            }
            long offset = rnd.nextInt(5);
            int elem = new int[]{1, 2, 4, 8}[rnd.nextInt(4)];
            int storageElems = (int) (offset + extent);
            ByteBuffer storage = ByteBuffer.allocate(storageElems * elem).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < storage.capacity(); i++) {
                storage.put(i, (byte) rnd.nextInt(256));
            }
            ByteBuffer got = TensorViews.gather(storage, elem, offset, size, stride);
            long numel = 1;
            for (long s : size) {
                numel *= s;
            }
            assertEquals(numel * elem, got.capacity());
            long[] idx = new long[rank];
            for (long n = 0; n < numel; n++) {
                long src = offset;
                for (int d = 0; d < rank; d++) {
                    src += idx[d] * stride[d];
                }
                for (int b = 0; b < elem; b++) {
                    assertEquals(storage.get((int) (src * elem + b)), got.get((int) (n * elem + b)), "trial " + trial);
                }
                for (int d = rank - 1; d >= 0; d--) {
                    if (++idx[d] < size[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
        }
    }
}
