package dev.jclip.image;

import java.util.random.RandomGenerator;

/**
 * open_clip's training augmentation: torchvision's RandomResizedCrop(n, scale, ratio 3/4–4/3,
 * bicubic) — a random region of 90–100% of the area (by default) with a random aspect ratio,
 * resized to n×n — then RGB conversion and CLIP normalization. The random generator is passed
 * per call, so results are reproducible from a seed regardless of threads.
 */
public final class RandomResizedCrop {
    private final int size;
    private final double minScale, maxScale;
    private final double logMinRatio = Math.log(3.0 / 4.0), logMaxRatio = Math.log(4.0 / 3.0);
    private final ClipPreprocessor normalizer;

    public RandomResizedCrop(int size, double minScale, double maxScale) {
        if (!(0 < minScale && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException("scale range (" + minScale + ", " + maxScale + ")");
        }
        this.size = size;
        this.minScale = minScale;
        this.maxScale = maxScale;
        this.normalizer = ClipPreprocessor.of(size);
    }

    /** open_clip's default: scale 0.9–1.0. */
    public static RandomResizedCrop openClip(int size) {
        return new RandomResizedCrop(size, 0.9, 1.0);
    }

    public int size() {
        return size;
    }

    /** The crop box {left, top, width, height}, as torchvision's get_params draws it. */
    int[] box(int width, int height, RandomGenerator rng) {
        double area = (double) width * height;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + (maxScale - minScale) * rng.nextDouble());
            double aspect = Math.exp(logMinRatio + (logMaxRatio - logMinRatio) * rng.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * aspect));
            int h = (int) Math.round(Math.sqrt(target / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new int[]{left, top, w, h};
            }
        }
        double inRatio = (double) width / height;
        int w, h;
        if (inRatio < 3.0 / 4.0) {
            w = width;
            h = (int) Math.round(w / (3.0 / 4.0));
        } else if (inRatio > 4.0 / 3.0) {
            h = height;
            w = (int) Math.round(h * (4.0 / 3.0));
        } else {
            w = width;
            h = height;
        }
        h = Math.min(h, height);
        w = Math.min(w, width);
        return new int[]{(width - w) / 2, (height - h) / 2, w, h};
    }

    /** The [3, n, n] uint8 crop (before normalization). */
    public byte[] toRgbU8(DecodedImage img, RandomGenerator rng) {
        int[] b = box(img.width(), img.height(), rng);
        DecodedImage region = ImageOps.crop(img, b[0], b[1], b[2], b[3]);
        DecodedImage resized = ImageOps.resize(region, size, size);
        return ImageOps.cropToRgbChw(resized, 0, 0, size, size);
    }

    /** The normalized [3, n, n] floats. */
    public float[] apply(DecodedImage img, RandomGenerator rng) {
        return normalizer.normalize(toRgbU8(img, rng));
    }
}
