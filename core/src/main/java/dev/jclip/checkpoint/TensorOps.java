package dev.jclip.checkpoint;

import dev.jclip.tensor.HostTensor;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** The two layout operations checkpoint conversion needs, for any dtype (bytes are moved, not converted). */
final class TensorOps {
    private TensorOps() {
    }

    /** The transpose of a matrix, laid out contiguously. */
    static HostTensor transpose(HostTensor m) {
        long[] s = m.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("transpose needs a matrix, got shape " + Arrays.toString(s));
        }
        ByteBuffer t = TensorViews.gather(m.data(), m.dtype().byteSize(), 0, new long[]{s[1], s[0]}, new long[]{1, s[1]});
        return new HostTensor(m.dtype(), new long[]{s[1], s[0]}, t);
    }

    /** Tensors of one dtype and equal trailing dimensions stacked along the first dimension. */
    static HostTensor concatRows(HostTensor... parts) {
        long[] shape = parts[0].shape();
        long rows = 0;
        int bytes = 0;
        for (HostTensor p : parts) {
            long[] ps = p.shape();
            if (p.dtype() != parts[0].dtype() || ps.length != shape.length || ps.length == 0
                    || !Arrays.equals(ps, 1, ps.length, shape, 1, shape.length)) {
                throw new IllegalArgumentException("cannot concatenate " + p.dtype() + " " + Arrays.toString(ps)
                        + " with " + parts[0].dtype() + " " + Arrays.toString(shape));
            }
            rows += ps[0];
            bytes = Math.addExact(bytes, p.data().remaining());
        }
        ByteBuffer out = ByteBuffer.allocate(bytes);
        for (HostTensor p : parts) {
            out.put(p.data());
        }
        out.flip();
        shape[0] = rows;
        return new HostTensor(parts[0].dtype(), shape, out);
    }
}
