package dev.jclip.image;

import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Truncated and oversized images are refused with an error that names the file, as PIL refuses
 * them ("image file is truncated", DecompressionBombError), never decoded into a partial or
 * grey-padded picture. The images are made here; none is committed.
 */
class BrokenImagesTest {

    private static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 7) & 0xff) << 16 | ((y * 5) & 0xff) << 8 | ((x * y) & 0xff));
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format, boolean progressive) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter w = ImageIO.getImageWritersByFormatName(format).next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            if (progressive) {
                p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    private static void assertRefused(byte[] bytes, String name, String expected) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(bytes, name),
                name + " (" + bytes.length + " bytes) decoded");
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void truncatedPngsAreRefused() throws IOException {
        byte[] png = encode(picture(160, 120), "png", false);
        assertEquals(160, ImageDecoder.decode(png, "whole.png").width());
        assertRefused(Arrays.copyOf(png, 200), "first200.png", "truncated");
        for (int cut : new int[]{9, 40, png.length / 2, png.length - 13, png.length - 12, png.length - 1}) {
            assertRefused(Arrays.copyOf(png, cut), "cut" + cut + ".png", "truncated");
        }
    }

    @Test
    void truncatedJpegsAreRefusedNotPaddedWithGrey() throws IOException {
        for (boolean progressive : new boolean[]{false, true}) {
            byte[] jpg = encode(picture(160, 120), "jpeg", progressive);
            String kind = progressive ? "progressive" : "baseline";
            assertEquals(120, ImageDecoder.decode(jpg, kind + ".jpg").height());
            // The ImageIO readers return a grey-padded picture for each of these cuts without complaint.
            for (int cut : new int[]{200, jpg.length / 3, jpg.length / 2, jpg.length * 9 / 10, jpg.length - 2, jpg.length - 1}) {
                assertRefused(Arrays.copyOf(jpg, cut), kind + "-cut" + cut + ".jpg", "truncated");
            }
            // bytes after the end-of-image marker (camera trailers) are fine, as in PIL
            byte[] trailer = Arrays.copyOf(jpg, jpg.length + 50);
            assertEquals(160, ImageDecoder.decode(trailer, kind + "-trailer.jpg").width());
        }
    }

    /** A PNG of only a signature, an IHDR declaring {@code w × h}, a tiny IDAT and IEND (a few dozen bytes). */
    static byte[] forgedPng(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).array());
        chunk(out, "IDAT", new byte[]{0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A valid JPEG whose frame header is rewritten to declare {@code w × h}. */
    static byte[] jpegDeclaring(int w, int h) throws IOException {
        byte[] jpg = encode(picture(32, 32), "jpeg", false);
        for (int i = 2; i + 9 < jpg.length; ) {
            int marker = jpg[i + 1] & 0xff, len = ((jpg[i + 2] & 0xff) << 8) | (jpg[i + 3] & 0xff);
            if (marker == 0xC0) {
                ByteBuffer.wrap(jpg, i + 5, 4).putShort((short) h).putShort((short) w);
                return jpg;
            }
            i += 2 + len;
        }
        throw new AssertionError("no SOF0");
    }

    @Test
    void imagesDeclaringTooManyPixelsAreRefusedFromTheirHeader() throws IOException {
        byte[] png = forgedPng(60000, 60000);
        assertTrue(png.length < 100);
        assertRefused(png, "huge.png", "60000 × 60000 = 3,600,000,000 pixels is over the limit of 178,956,970");
        assertRefused(jpegDeclaring(65500, 65500), "huge.jpg", "65500 × 65500 = 4,290,250,000 pixels is over the limit");
        // 13,400 × 13,400 = 179,560,000: just over; the check runs before any pixel memory is allocated
        assertRefused(forgedPng(13400, 13400), "over.png", "is over the limit");
    }
}
