package dev.jclip.image;

/**
 * PIL's resampling, reproduced operation for operation so results match it exactly: the
 * antialiasing bicubic convolution (a = −0.5, support widened by the downscale factor, weights
 * normalized and, for 8-bit images, turned into 22-bit fixed point; horizontal pass first with
 * an 8-bit rounded and clipped intermediate, then vertical) and nearest-neighbour scaling from
 * pixel centres. Operates on interleaved samples of any channel count.
 */
final class Resample {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resample() {
    }

    /** Per output index: first input index, number of taps, and the normalized weights. */
    record Coeffs(int ksize, int[] bounds, double[] weights) {
    }

    private static double bicubic(double x) {
        final double a = -0.5;
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    static Coeffs coefficients(int inSize, int outSize) {
        double in0 = 0, in1 = inSize;
        double scale = (in1 - in0) / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = 2.0 * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        double[] k = new double[outSize * ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            for (int x = 0; x < xmax; x++) {
                double w = bicubic((x + xmin - center + 0.5) * ss);
                k[xx * ksize + x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    k[xx * ksize + x] /= ww;
                }
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Coeffs(ksize, bounds, k);
    }

    /** Fixed-point taps of one pass (read-only, shared). */
    private record Fixed(int ksize, int[] bounds, int[] kk) {
    }

    /*
     * A dataset has few distinct image sizes, and computing the taps was 3% of preprocessing CPU
     * for 32 px images; bounded so a crawl of odd sizes cannot grow it without end.
     */
    private static final int CACHED_SIZES = 4096;
    private static final java.util.concurrent.ConcurrentHashMap<Long, Fixed> FIXED = new java.util.concurrent.ConcurrentHashMap<>();

    private static Fixed fixed(int inSize, int outSize) {
        Long key = ((long) inSize << 32) | outSize;
        Fixed f = FIXED.get(key);
        if (f == null) {
            Coeffs co = coefficients(inSize, outSize);
            f = new Fixed(co.ksize(), co.bounds(), fixedPoint(co.weights()));
            if (FIXED.size() < CACHED_SIZES) {
                FIXED.putIfAbsent(key, f);
            }
        }
        return f;
    }

    private static int[] fixedPoint(double[] k) {
        int[] out = new int[k.length];
        for (int i = 0; i < k.length; i++) {
            double v = k[i] * (1 << PRECISION_BITS);
            out[i] = (int) (k[i] < 0 ? -0.5 + v : 0.5 + v);
        }
        return out;
    }

    /**
     * Fixed-point sums to 8-bit samples in place: PIL's clip8, branch-free so the loop vectorizes
     * (a sum shifted down lies within ±2^9, so 255 − s cannot overflow).
     */
    private static void clip8(int[] acc) {
        for (int i = 0; i < acc.length; i++) {
            int s = acc[i] >> PRECISION_BITS;
            s &= ~(s >> 31);
            acc[i] = (s | ((255 - s) >> 31)) & 255;
        }
    }

    /** Bicubic resize of 8-bit samples (w×h×c interleaved) to ow×oh. */
    static int[] bicubic8(int[] in, int w, int h, int c, int ow, int oh) {
        int[] cur = in;
        int cw = w;
        if (ow != w) {
            cur = horizontal8(cur, w, h, c, ow);
            cw = ow;
        }
        if (oh != h) {
            cur = vertical8(cur, cw * c, h, oh);
        }
        return cur == in ? in.clone() : cur;
    }

    /*
     * The passes below accumulate in int exactly as PIL does (its INT32 sums), only in another
     * loop order: integer addition is exact and associative (even where it wraps), so the results
     * are identical bit for bit (ResampleTest). Every hot loop reads and writes whole arrays at
     * the same index, the form HotSpot 17 vectorizes; a loop over in[offset + i] runs scalar.
     * Preprocessing was the bottleneck of dataset embedding and indexing for small models: these
     * passes were half the Java CPU time of embedding 32 px CIFAR-10 at 64 px (JFR).
     */
    private static int[] horizontal8(int[] in, int w, int h, int c, int ow) {
        Fixed co = fixed(w, ow);
        int[] kk = co.kk();
        int[] bounds = co.bounds();
        int ks = co.ksize();
        // columns: the h pixels' c samples of each input x, top to bottom, so the weighted sum
        // over taps runs down whole arrays at the same index (vectorized, as in vertical8)
        int col = h * c;
        int[][] cols = new int[w][col];
        for (int y = 0, p = 0; y < h; y++) {
            int o = y * c;
            for (int x = 0; x < w; x++) {
                int[] cx = cols[x];
                for (int ch = 0; ch < c; ch++) {
                    cx[o + ch] = in[p++];
                }
            }
        }
        int[] out = new int[ow * h * c];
        int[] acc = new int[col];
        for (int xx = 0; xx < ow; xx++) {
            weightedSum(acc, cols, bounds[xx * 2], bounds[xx * 2 + 1], kk, xx * ks);
            for (int y = 0, i = 0, o = xx * c; y < h; y++, o += ow * c) {
                for (int ch = 0; ch < c; ch++) {
                    out[o + ch] = acc[i++];
                }
            }
        }
        return out;
    }

    /** The vertical pass over rows of {@code stride} samples: each output row is a weighted sum of input rows. */
    private static int[] vertical8(int[] in, int stride, int h, int oh) {
        Fixed co = fixed(h, oh);
        int[] kk = co.kk();
        int[] bounds = co.bounds();
        int ks = co.ksize();
        // each input row as its own array: HotSpot 17 vectorizes acc[i] += row[i] * k, but not a
        // loop that reads in[offset + i] (measured scalar, the hottest line of dataset embedding)
        int[][] rows = new int[h][];
        for (int y = 0; y < h; y++) {
            rows[y] = java.util.Arrays.copyOfRange(in, y * stride, (y + 1) * stride);
        }
        int[] out = new int[stride * oh];
        int[] acc = new int[stride];
        for (int yy = 0; yy < oh; yy++) {
            weightedSum(acc, rows, bounds[yy * 2], bounds[yy * 2 + 1], kk, yy * ks);
            System.arraycopy(acc, 0, out, yy * stride, stride);
        }
        return out;
    }

    /**
     * One output line of either pass, 8-bit: acc = clip8(½ + Σ kk[kb + t] · lines[first + t]) over
     * the taps t, line by line at the same index (the form HotSpot vectorizes).
     */
    private static void weightedSum(int[] acc, int[][] lines, int first, int taps, int[] kk, int kb) {
        java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
        for (int t = 0; t < taps; t++) {
            int k = kk[kb + t];
            int[] line = lines[first + t];
            for (int i = 0; i < acc.length; i++) {
                acc[i] += line[i] * k;
            }
        }
        clip8(acc);
    }

    private static int roundUp(double f) {
        return (int) (f >= 0.0 ? f + 0.5f : f - 0.5f);
    }

    /** Bicubic resize of 32-bit integer samples (mode I), with floating-point weights as PIL. */
    static int[] bicubic32(int[] in, int w, int h, int ow, int oh) {
        int[] cur = in;
        int cw = w;
        if (ow != w) {
            Coeffs co = coefficients(w, ow);
            int ks = co.ksize();
            int[] out = new int[ow * h];
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    int xmin = co.bounds()[xx * 2], xmax = co.bounds()[xx * 2 + 1];
                    double ss = 0.0;
                    for (int x = 0; x < xmax; x++) {
                        ss += cur[y * w + xmin + x] * co.weights()[xx * ks + x];
                    }
                    out[y * ow + xx] = roundUp(ss);
                }
            }
            cur = out;
            cw = ow;
        }
        if (oh != h) {
            Coeffs co = coefficients(h, oh);
            int ks = co.ksize();
            int[] out = new int[cw * oh];
            for (int yy = 0; yy < oh; yy++) {
                int ymin = co.bounds()[yy * 2], ymax = co.bounds()[yy * 2 + 1];
                for (int x = 0; x < cw; x++) {
                    double ss = 0.0;
                    for (int y = 0; y < ymax; y++) {
                        ss += cur[(ymin + y) * cw + x] * co.weights()[yy * ks + y];
                    }
                    out[yy * cw + x] = roundUp(ss);
                }
            }
            cur = out;
        }
        return cur == in ? in.clone() : cur;
    }

    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }

    /** Nearest-neighbour resize from pixel centres, positions accumulated as PIL does. */
    static int[] nearest(int[] in, int w, int h, int c, int ow, int oh) {
        double ax = (double) w / ow, ay = (double) h / oh;
        int[] xin = new int[ow];
        double xo = ax * 0.5;
        for (int x = 0; x < ow; x++) {
            xin[x] = Math.min(Math.max(coord(xo), 0), w - 1);
            xo += ax;
        }
        int[] out = new int[ow * oh * c];
        double yo = ay * 0.5;
        for (int y = 0; y < oh; y++) {
            int yi = Math.min(Math.max(coord(yo), 0), h - 1);
            yo += ay;
            for (int x = 0; x < ow; x++) {
                System.arraycopy(in, (yi * w + xin[x]) * c, out, (y * ow + x) * c, c);
            }
        }
        return out;
    }
}
