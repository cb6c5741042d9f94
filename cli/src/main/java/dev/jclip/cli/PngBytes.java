package dev.jclip.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal PNG encoder for 8-bit RGB: filter 0 on every row, one IDAT chunk, zlib at a given
 * level. Its output is a function of the pixels and the level alone (ImageIO's writer picks
 * filters and chunking itself), so the terminal escapes built on it can be tested byte for byte.
 */
final class PngBytes {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngBytes() {
    }

    /**
     * PNG of planar RGB bytes (three planes of {@code width × height}, as
     * {@code ClipPreprocessor.toRgbU8} gives them).
     *
     * @param level zlib level, 0 (stored, larger) to 9
     */
    static byte[] rgb(byte[] chw, int width, int height, int level) {
        int plane = width * height;
        if (chw.length != 3 * plane) {
            throw new IllegalArgumentException(chw.length + " bytes for a " + width + " × " + height + " RGB image");
        }
        byte[] raw = new byte[height * (1 + 3 * width)];
        int o = 0;
        for (int y = 0; y < height; y++) {
            raw[o++] = 0; // filter: none
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                raw[o++] = chw[i];
                raw[o++] = chw[plane + i];
                raw[o++] = chw[2 * plane + i];
            }
        }
        Deflater d = new Deflater(level);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try {
            d.setInput(raw);
            d.finish();
            byte[] buf = new byte[8192];
            while (!d.finished()) {
                z.write(buf, 0, d.deflate(buf));
            }
        } finally {
            d.end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
