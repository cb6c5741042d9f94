package dev.jclip.image;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The reordered bicubic passes of {@link Resample} equal PIL's own loop order (written out below as
 * ImagingResampleHorizontal_8bpc / Vertical_8bpc walk it: per output sample, a sum over its taps)
 * on random images, up and down, for 1 to 4 channels. The fixture parity test covers real files;
 * this covers the sizes and channel counts those files do not.
 */
class ResampleTest {
    private static final int PRECISION_BITS = 22;

    private static int[] fixed(double[] k) {
        int[] out = new int[k.length];
        for (int i = 0; i < k.length; i++) {
            double v = k[i] * (1 << PRECISION_BITS);
            out[i] = (int) (k[i] < 0 ? -0.5 + v : 0.5 + v);
        }
        return out;
    }

    private static int clip(int v) {
        int s = v >> PRECISION_BITS;
        return s < 0 ? 0 : Math.min(s, 255);
    }

    /** PIL's order: horizontal then vertical, each output sample summed over its taps. */
    private static int[] reference(int[] in, int w, int h, int c, int ow, int oh) {
        int[] cur = in;
        if (ow != w) {
            Resample.Coeffs co = Resample.coefficients(w, ow);
            int[] k = fixed(co.weights());
            int[] out = new int[ow * h * c];
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    int xmin = co.bounds()[xx * 2], xmax = co.bounds()[xx * 2 + 1];
                    for (int ch = 0; ch < c; ch++) {
                        int ss = 1 << (PRECISION_BITS - 1);
                        for (int x = 0; x < xmax; x++) {
                            ss += cur[(y * w + x + xmin) * c + ch] * k[xx * co.ksize() + x];
                        }
                        out[(y * ow + xx) * c + ch] = clip(ss);
                    }
                }
            }
            cur = out;
        }
        if (oh != h) {
            Resample.Coeffs co = Resample.coefficients(h, oh);
            int[] k = fixed(co.weights());
            int[] out = new int[ow * oh * c];
            for (int yy = 0; yy < oh; yy++) {
                int ymin = co.bounds()[yy * 2], ymax = co.bounds()[yy * 2 + 1];
                for (int xx = 0; xx < ow * c; xx++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int y = 0; y < ymax; y++) {
                        ss += cur[(y + ymin) * ow * c + xx] * k[yy * co.ksize() + y];
                    }
                    out[yy * ow * c + xx] = clip(ss);
                }
            }
            cur = out;
        }
        return cur;
    }

    @Test
    void bicubicMatchesPilsLoopOrder() {
        Random rnd = new Random(7);
        int[][] sizes = {{32, 32, 64, 64}, {32, 32, 224, 224}, {500, 375, 298, 224}, {17, 300, 224, 3952},
                {1000, 150, 1493, 224}, {3, 2, 224, 149}, {96, 128, 64, 85}, {640, 480, 32, 24}};
        for (int[] s : sizes) {
            for (int c = 1; c <= 4; c++) {
                int w = s[0], h = s[1];
                int[] in = new int[w * h * c];
                for (int i = 0; i < in.length; i++) {
                    // mostly smooth with hard edges, so the negative lobes push sums out of 0..255
                    in[i] = (i / c) % 7 == 0 ? (rnd.nextBoolean() ? 0 : 255) : rnd.nextInt(256);
                }
                assertArrayEquals(reference(in, w, h, c, s[2], s[3]), Resample.bicubic8(in, w, h, c, s[2], s[3]),
                        w + "x" + h + "x" + c + " -> " + s[2] + "x" + s[3]);
            }
        }
    }
}
