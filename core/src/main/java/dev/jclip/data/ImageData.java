package dev.jclip.data;

/** An image as a dataset holds it: encoded file bytes, or raw 8-bit grayscale pixels (idx files). */
public sealed interface ImageData {
    /** A name for error messages (file or member name). */
    String name();

    /** The bytes of an image file (PNG, JPEG, WebP, GIF, BMP). */
    record Encoded(byte[] bytes, String name) implements ImageData {
    }

    /** Row-major 8-bit grayscale pixels. */
    record Gray8(int width, int height, byte[] pixels, String name) implements ImageData {
        public Gray8 {
            if (pixels.length != width * height) {
                throw new IllegalArgumentException(name + ": " + pixels.length + " pixels for " + width + "x" + height);
            }
        }
    }
}
