package dev.jclip.testing;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Small broken and hostile image files made in memory for tests (nothing of the kind is committed). */
public final class BrokenImages {
    private BrokenImages() {
    }

    /** A w × h colour picture with some structure (gradients), so encoders produce real data. */
    public static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 7) & 0xff) << 16 | ((y * 5) & 0xff) << 8 | ((x * y) & 0xff));
            }
        }
        return img;
    }

    /** {@code img} encoded by ImageIO's writer for {@code format} ("png", "jpeg"), optionally progressive. */
    public static byte[] encode(BufferedImage img, String format, boolean progressive) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter w = ImageIO.getImageWritersByFormatName(format).next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            if (progressive) {
                p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            w.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** A PNG of only a signature, an IHDR declaring {@code w × h}, a tiny IDAT and IEND (a few dozen bytes). */
    public static byte[] forgedPng(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).array());
        chunk(out, "IDAT", new byte[]{0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A valid small JPEG whose frame header is rewritten to declare {@code w × h}. */
    public static byte[] jpegDeclaring(int w, int h) {
        byte[] jpg = encode(picture(32, 32), "jpeg", false);
        for (int i = 2; i + 9 < jpg.length; ) {
            int marker = jpg[i + 1] & 0xff, len = ((jpg[i + 2] & 0xff) << 8) | (jpg[i + 3] & 0xff);
            if (marker == 0xC0) {
                ByteBuffer.wrap(jpg, i + 5, 4).putShort((short) h).putShort((short) w);
                return jpg;
            }
            i += 2 + len;
        }
        throw new AssertionError("no SOF0 in ImageIO's JPEG");
    }

    /** The first 200 bytes of a valid PNG of w × h. */
    public static byte[] truncatedPng(int w, int h) {
        return java.util.Arrays.copyOf(encode(picture(w, h), "png", false), 200);
    }
}
