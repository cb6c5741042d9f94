package dev.jclip.image;

/**
 * A decoded image in its original PIL mode: interleaved samples, row-major, {@code channels}
 * per pixel (0–255, or any int for mode I), and the RGB palette for mode P.
 *
 * @param palette 3 entries per palette index for mode P, else null
 */
public record DecodedImage(String name, ImageMode mode, int width, int height, int[] samples, int[] palette) {
    public DecodedImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(name + ": empty image " + width + "x" + height);
        }
        if (samples.length != width * height * mode.channels()) {
            throw new IllegalArgumentException(name + ": " + samples.length + " samples for " + width + "x" + height
                    + " " + mode);
        }
        if (mode == ImageMode.P && palette == null) {
            throw new IllegalArgumentException(name + ": palette image without a palette");
        }
    }

    /** An 8-bit grayscale image from raw pixels (e.g. idx files). */
    public static DecodedImage gray(String name, int width, int height, byte[] pixels) {
        int[] s = new int[pixels.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = pixels[i] & 0xff;
        }
        return new DecodedImage(name, ImageMode.L, width, height, s, null);
    }

    public int channels() {
        return mode.channels();
    }
}
