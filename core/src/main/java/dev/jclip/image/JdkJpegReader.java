package dev.jclip.image;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * The JDK's own JPEG reader, one per thread, for the plain files {@link JpegMarkers#plainFrame}
 * admits. The TwelveMonkeys plugin decodes those pixels with this same reader, but first parses
 * every header segment in Java and builds its colour-space guesses, and a reader found through
 * the service registry per file costs a lookup: on 32 px CIFAR-10 JPEGs that overhead was 60% of
 * the decode time (0.21 → 0.08 ms per image measured), which for small encoders is most of what
 * an embedding or training pipeline spends outside the model. A reader is reused across files
 * and replaced after any failure, so its state never leaks from one file into the next.
 */
final class JdkJpegReader {
    private static final ThreadLocal<ImageReader> READER = new ThreadLocal<>();
    private static final boolean AVAILABLE = probe();

    private JdkJpegReader() {
    }

    private static boolean probe() {
        ImageReader r = create();
        if (r == null) {
            return false;
        }
        r.dispose();
        return true;
    }

    private static ImageReader create() {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg");
        ImageReader found = null;
        while (it.hasNext()) {
            ImageReader r = it.next();
            if (found == null && r.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg.")) {
                found = r;
            } else {
                r.dispose();
            }
        }
        return found;
    }

    /** Whether this JDK has its built-in JPEG reader (every OpenJDK build does). */
    static boolean available() {
        return AVAILABLE;
    }

    /**
     * Decodes a whole JPEG; throws when the JDK's reader refuses it (the caller then falls back to
     * the plugin, whose error message is the one users see).
     */
    static BufferedImage read(byte[] jpeg) throws IOException {
        ImageReader reader = READER.get();
        if (reader == null) {
            reader = create();
            if (reader == null) {
                throw new IOException("the JDK's JPEG reader is not available");
            }
            READER.set(reader);
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in, true, true);
            BufferedImage bi = reader.read(0);
            reader.setInput(null);
            return bi;
        } catch (IOException | RuntimeException e) {
            READER.remove();
            reader.dispose();
            throw e;
        }
    }
}
