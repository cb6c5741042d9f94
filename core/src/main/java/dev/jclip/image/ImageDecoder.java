package dev.jclip.image;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Decodes image files into {@link DecodedImage}s in the mode PIL would open them in: PNG (8/16
 * bit, gray, gray+alpha, RGB, RGBA, palette), JPEG (baseline, progressive, grayscale, CMYK),
 * GIF (first frame), BMP and WebP. JPEG variants, WebP and BMP come from TwelveMonkeys ImageIO
 * plugins, found through the ImageIO service registry.
 *
 * <p>A file that ends early (see {@link Truncation}) or whose header declares more than
 * {@link #MAX_PIXELS} pixels is refused with an {@link ImageDecodeException} naming it, never
 * decoded into a partial or padded picture.
 */
public final class ImageDecoder {
    /** PIL's {@code DecompressionBombError} threshold: 2 × {@code Image.MAX_IMAGE_PIXELS} (89,478,485). */
    public static final long MAX_PIXELS = 2L * 89_478_485L;

    static {
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
    }

    private ImageDecoder() {
    }

    public static DecodedImage decode(Path file) throws ImageDecodeException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageDecodeException(file.toString(), "unreadable (" + e.getMessage() + ")", e);
        }
        return decode(bytes, file.toString());
    }

    public static DecodedImage decode(byte[] bytes, String name) throws ImageDecodeException {
        return decode(bytes, name, true);
    }

    /** {@code plainJpegFastPath} false always uses the plugins (the parity test compares both). */
    static DecodedImage decode(byte[] bytes, String name, boolean plainJpegFastPath) throws ImageDecodeException {
        if (bytes.length == 0) {
            throw new ImageDecodeException(name, "the file is empty");
        }
        String truncated = Truncation.reason(bytes);
        if (truncated != null) {
            throw new ImageDecodeException(name, truncated);
        }
        if (bytes.length > 3 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8) {
            bytes = JpegMarkers.withoutIccProfile(bytes);
            JpegMarkers.Frame frame = plainJpegFastPath ? JpegMarkers.plainFrame(bytes) : null;
            if (frame != null && JdkJpegReader.available()) {
                checkPixels(frame.width(), frame.height(), name);
                try {
                    return fromBuffered(JdkJpegReader.read(bytes), name);
                } catch (IOException | RuntimeException e) {
                    // left to the plugin below, which reads some damaged files the JDK's reader
                    // refuses and words the error users see
                }
            }
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(name, "not a supported image format (PNG, JPEG, GIF, BMP, WebP)");
            }
            ImageReader reader = preferred(readers);
            try {
                reader.setInput(in, true, true);
                checkPixels(reader.getWidth(0), reader.getHeight(0), name);
                String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
                if (format.contains("jpeg") || format.contains("jpg")) {
                    DecodedImage cmyk = tryCmykJpeg(reader, name);
                    if (cmyk != null) {
                        return cmyk;
                    }
                }
                BufferedImage bi = reader.read(0);
                return fromBuffered(bi, name);
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(name, e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : ""), e);
        }
    }

    /**
     * Refuses images over PIL's decompression-bomb limit (twice {@code Image.MAX_IMAGE_PIXELS}) from
     * their header, before any pixel memory is allocated: a tiny file can declare 60000 × 60000.
     */
    static void checkPixels(long width, long height, String name) throws ImageDecodeException {
        if (width <= 0 || height <= 0) {
            throw new ImageDecodeException(name, "impossible size " + width + " × " + height);
        }
        if (width * height > MAX_PIXELS) {
            throw new ImageDecodeException(name, String.format("%d × %d = %,d pixels is over the limit of %,d "
                    + "(PIL's decompression-bomb limit)", width, height, width * height, MAX_PIXELS));
        }
    }

    /**
     * The reader to use: for WebP the libwebp-based one (PIL decodes with libwebp; the pure-Java
     * decoder upsamples chroma differently, 2 levels off on average), otherwise the first.
     */
    private static ImageReader preferred(Iterator<ImageReader> readers) {
        ImageReader first = readers.next();
        if (!first.getOriginatingProvider().getFormatNames()[0].toLowerCase(java.util.Locale.ROOT).contains("webp")) {
            return first;
        }
        ImageReader chosen = first;
        while (readers.hasNext() && !chosen.getClass().getName().startsWith("com.luciad")) {
            ImageReader r = readers.next();
            if (r.getClass().getName().startsWith("com.luciad")) {
                chosen.dispose();
                chosen = r;
            } else {
                r.dispose();
            }
        }
        return chosen;
    }

    /** CMYK JPEGs: the raw ink values (PIL undoes Adobe's inversion; the raster holds them inverted). */
    private static DecodedImage tryCmykJpeg(ImageReader reader, String name) throws IOException {
        Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(0);
        javax.imageio.ImageTypeSpecifier raw = reader.getRawImageType(0);
        boolean cmyk = raw != null && raw.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_CMYK;
        if (!cmyk || !reader.canReadRaster()) {
            return null;
        }
        Raster r = reader.readRaster(0, null);
        if (r.getNumBands() != 4) {
            return null;
        }
        int w = r.getWidth(), h = r.getHeight();
        int[] s = r.getPixels(r.getMinX(), r.getMinY(), w, h, (int[]) null);
        if (adobeInverted(reader)) {
            for (int i = 0; i < s.length; i++) {
                s[i] = 255 - s[i];
            }
        }
        return new DecodedImage(name, ImageMode.CMYK, w, h, s, null);
    }

    /** Whether the JPEG has an Adobe APP14 marker (whose CMYK data is stored inverted). */
    private static boolean adobeInverted(ImageReader reader) {
        try {
            javax.imageio.metadata.IIOMetadata md = reader.getImageMetadata(0);
            org.w3c.dom.Node root = md.getAsTree("javax_imageio_jpeg_image_1.0");
            return findNode(root, "app14Adobe") != null;
        } catch (IOException | RuntimeException e) {
            return true; // almost every CMYK JPEG in the wild is an Adobe one
        }
    }

    private static org.w3c.dom.Node findNode(org.w3c.dom.Node n, String name) {
        if (name.equals(n.getNodeName())) {
            return n;
        }
        for (org.w3c.dom.Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            org.w3c.dom.Node f = findNode(c, name);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    static DecodedImage fromBuffered(BufferedImage bi, String name) throws ImageDecodeException {
        int w = bi.getWidth(), h = bi.getHeight();
        ColorModel cm = bi.getColorModel();
        Raster r = bi.getRaster();
        if (cm instanceof IndexColorModel icm) {
            int[] idx = r.getSamples(0, 0, w, h, 0, (int[]) null);
            int n = icm.getMapSize();
            int[] pal = new int[n * 3];
            for (int i = 0; i < n; i++) {
                pal[i * 3] = icm.getRed(i);
                pal[i * 3 + 1] = icm.getGreen(i);
                pal[i * 3 + 2] = icm.getBlue(i);
            }
            return new DecodedImage(name, ImageMode.P, w, h, idx, pal);
        }
        int bands = r.getNumBands();
        int bits = cm.getComponentSize(0);
        int[] s = r.getPixels(0, 0, w, h, (int[]) null);
        int type = cm.getColorSpace().getType();
        if (type == java.awt.color.ColorSpace.TYPE_GRAY) {
            if (bands == 1 && bits > 8) {
                return new DecodedImage(name, ImageMode.I, w, h, s, null);
            }
            scaleTo8(s, bits);
            return new DecodedImage(name, bands == 2 ? ImageMode.LA : ImageMode.L, w, h, s, null);
        }
        if (type == java.awt.color.ColorSpace.TYPE_RGB && (bands == 3 || bands == 4)) {
            scaleTo8(s, bits);
            return new DecodedImage(name, bands == 4 ? ImageMode.RGBA : ImageMode.RGB, w, h, s, null);
        }
        // anything else (e.g. a CMYK or YCCK image an older plugin left unconverted): go through sRGB
        BufferedImage rgb = new BufferedImage(w, h, cm.hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(bi, 0, 0, null);
        if (rgb.getWidth() != w) {
            throw new ImageDecodeException(name, "unsupported colour model " + cm);
        }
        return fromBuffered(toComponents(rgb), name);
    }

    private static BufferedImage toComponents(BufferedImage argb) {
        boolean alpha = argb.getColorModel().hasAlpha();
        BufferedImage out = new BufferedImage(argb.getWidth(), argb.getHeight(),
                alpha ? BufferedImage.TYPE_4BYTE_ABGR : BufferedImage.TYPE_3BYTE_BGR);
        out.getGraphics().drawImage(argb, 0, 0, null);
        return out;
    }

    /** PIL reduces 16-bit RGB(A)/LA PNGs to 8 bits by keeping the high byte. */
    private static void scaleTo8(int[] s, int bits) {
        if (bits <= 8) {
            return;
        }
        int shift = bits - 8;
        for (int i = 0; i < s.length; i++) {
            s[i] >>= shift;
        }
    }
}
