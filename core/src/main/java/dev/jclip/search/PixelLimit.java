package dev.jclip.search;

import dev.jclip.image.ImageDecodeException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Refuses decompression bombs before decoding: reads only the header's width and height and
 * rejects images over PIL's error limit, 2 × {@code Image.MAX_IMAGE_PIXELS} = 178,956,970 pixels
 * (PIL raises DecompressionBombError there), so a 1 KB PNG that claims 50,000 × 50,000 pixels
 * never allocates gigabytes.
 */
public final class PixelLimit {
    public static final long MAX_PIXELS = 2L * 89_478_485L;

    private PixelLimit() {
    }

    /** Fails when the header of {@code file} claims more than {@link #MAX_PIXELS} pixels. */
    public static void check(Path file) throws ImageDecodeException {
        check(file.toFile(), file.toString());
    }

    /** The same for an encoded image in memory. */
    public static void check(byte[] bytes, String name) throws ImageDecodeException {
        check(new java.io.ByteArrayInputStream(bytes), name);
    }

    private static void check(Object source, String name) throws ImageDecodeException {
        try (ImageInputStream in = ImageIO.createImageInputStream(source)) {
            if (in == null) {
                return;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return; // the decoder will say what is wrong
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                long pixels = (long) r.getWidth(0) * r.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new ImageDecodeException(name, "decompression bomb: " + r.getWidth(0) + "x"
                            + r.getHeight(0) + " = " + pixels + " pixels exceeds the limit of " + MAX_PIXELS);
                }
            } finally {
                r.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // an unreadable header is the decoder's to report, with its own message
        }
    }
}
