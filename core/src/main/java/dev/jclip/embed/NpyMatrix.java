package dev.jclip.embed;

import dev.jclip.tensor.Half;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Row-major [rows, dim] matrices as NumPy {@code .npy} (format 1.0, little-endian float32 or float16). */
public final class NpyMatrix {
    private static final Pattern HEADER = Pattern.compile(
            "'descr':\\s*'<f([24])',\\s*'fortran_order':\\s*False,\\s*'shape':\\s*\\((\\d+),\\s*(\\d+)\\)");

    private NpyMatrix() {
    }

    /** The bytes of an .npy file holding {@code rows} (all of length {@code dim}). */
    public static byte[] encode(float[][] rows, int dim, boolean fp16) {
        String dict = "{'descr': '<f" + (fp16 ? 2 : 4) + "', 'fortran_order': False, 'shape': (" + rows.length + ", "
                + dim + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + rows.length * dim * (fp16 ? 2 : 4))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float[] r : rows) {
            if (r.length != dim) {
                throw new IllegalArgumentException("row of " + r.length + " values in a matrix of width " + dim);
            }
            for (float v : r) {
                if (fp16) {
                    b.putShort(Half.fromFloat(v));
                } else {
                    b.putFloat(v);
                }
            }
        }
        return b.array();
    }

    /** Reads a float32 or float16 matrix (float16 widened to float). */
    public static float[][] read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 10 || b.get() != (byte) 0x93 || b.get(1) != 'N' || b.get(5) != 'Y') {
            throw new IOException(file + " is not an .npy file");
        }
        int major = b.get(6);
        b.position(8);
        int headerLen = major == 1 ? b.getShort() & 0xffff : b.getInt();
        byte[] h = new byte[headerLen];
        b.get(h);
        Matcher m = HEADER.matcher(new String(h, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IOException(file + ": not a 2-d little-endian float32/float16 matrix: " + new String(h, StandardCharsets.US_ASCII).strip());
        }
        boolean half = m.group(1).equals("2");
        int n = Integer.parseInt(m.group(2)), d = Integer.parseInt(m.group(3));
        if (b.remaining() != (long) n * d * (half ? 2 : 4)) {
            throw new IOException(file + ": " + b.remaining() + " data bytes for shape (" + n + ", " + d + ")");
        }
        float[][] out = new float[n][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = half ? Half.toFloat(b.getShort()) : b.getFloat();
            }
        }
        return out;
    }
}
