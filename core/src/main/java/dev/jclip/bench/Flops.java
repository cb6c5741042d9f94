package dev.jclip.bench;

import dev.jclip.model.ClipConfig;

/**
 * Analytic forward FLOP counts (2 per multiply-add) of CLIP encoders, for reporting achieved
 * GFLOP/s. Normalizations, activations and softmax are ignored (a few percent).
 */
public final class Flops {
    private Flops() {
    }

    /** One image through the image tower. */
    public static double image(ClipConfig c) {
        if (c.isVit()) {
            long w = c.visionWidth(), p = c.visionPatchSize(), g = c.imageResolution() / p, t = g * g + 1;
            double patch = 2.0 * g * g * 3 * p * p * w;
            double layer = 2.0 * t * 12 * w * w + 4.0 * t * t * w;
            return patch + c.visionLayers().get(0) * layer + 2.0 * w * c.embedDim();
        }
        return resnet(c);
    }

    /** One text of {@code tokens} positions through the text tower. */
    public static double text(ClipConfig c, int tokens) {
        long w = c.transformerWidth();
        double layer = 2.0 * tokens * 12 * w * w + 4.0 * tokens * tokens * w;
        return c.transformerLayers() * layer + 2.0 * w * c.embedDim();
    }

    private static double conv(long hw, long cin, long cout, long k) {
        return 2.0 * hw * hw * cin * cout * k * k;
    }

    private static double resnet(ClipConfig c) {
        long w = c.visionWidth(), r = c.imageResolution();
        long h = r / 2;
        double f = conv(h, 3, w / 2, 3) + conv(h, w / 2, w / 2, 3) + conv(h, w / 2, w, 3);
        h /= 2;
        long in = w;
        for (int s = 0; s < 4; s++) {
            long planes = w << s;
            for (int b = 0; b < c.visionLayers().get(s); b++) {
                int stride = b == 0 && s > 0 ? 2 : 1;
                f += conv(h, in, planes, 1) + conv(h, planes, planes, 3);
                long ho = h / stride;
                f += conv(ho, planes, planes * 4, 1);
                if (stride > 1 || in != planes * 4) {
                    f += conv(ho, in, planes * 4, 1);
                }
                in = planes * 4;
                h = ho;
            }
        }
        long t = h * h + 1, d = in;
        f += 2.0 * t * 2 * d * d + 2.0 * d * d + 4.0 * t * d + 2.0 * d * c.embedDim();
        return f;
    }
}
