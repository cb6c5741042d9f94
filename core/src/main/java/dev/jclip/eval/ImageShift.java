package dev.jclip.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic distribution shift applied to preprocessed images (8-bit RGB, channel-first, at
 * the model's resolution, before normalization), to build shifted test sets on the fly when no
 * natural one is at hand. Spelled {@code name[:strength]}, joined with {@code +} to combine:
 * <ul>
 *   <li>{@code blur[:σ]} Gaussian blur, σ in pixels (default 2)</li>
 *   <li>{@code noise[:σ]} additive Gaussian noise, σ as a fraction of the 0–255 range (default 0.1)</li>
 *   <li>{@code gray} luma only (ITU-R 601, as PIL's convert("L")), copied to all channels</li>
 *   <li>{@code contrast[:f]} blend toward the mean gray level, PIL's ImageEnhance.Contrast (default 0.5)</li>
 *   <li>{@code pixelate[:n]} average n×n blocks (default 4)</li>
 * </ul>
 * Noise is drawn from a generator seeded per image, so a shifted set is the same on every run.
 */
public final class ImageShift {
    public static final List<String> KINDS = List.of("blur", "noise", "gray", "contrast", "pixelate");

    private final String name;
    private final List<Op> ops;

    private ImageShift(String name, List<Op> ops) {
        this.name = name;
        this.ops = List.copyOf(ops);
    }

    /** One shift, e.g. {@code "blur:1.5"} or {@code "gray+noise:0.05"}. */
    public static ImageShift parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty shift; kinds: " + KINDS);
        }
        List<Op> ops = new ArrayList<>();
        for (String part : s.split("\\+")) {
            String[] kv = part.strip().split(":", 2);
            Double v = kv.length > 1 ? parseStrength(part, kv[1]) : null;
            ops.add(switch (kv[0]) {
                case "blur" -> blur(v != null ? v : 2.0);
                case "noise" -> noise(v != null ? v : 0.1);
                case "gray", "grey", "grayscale" -> (px, size, rng) -> gray(px, size);
                case "contrast" -> contrast(v != null ? v : 0.5);
                case "pixelate" -> pixelate(v != null ? (int) Math.round(v) : 4);
                default -> throw new IllegalArgumentException("unknown shift '" + kv[0] + "'; kinds: " + KINDS);
            });
        }
        return new ImageShift(s, ops);
    }

    /** A comma-separated list of shifts. */
    public static List<ImageShift> parseList(String specs) {
        List<ImageShift> out = new ArrayList<>();
        for (String s : specs.split(",")) {
            if (!s.isBlank()) {
                out.add(parse(s));
            }
        }
        return out;
    }

    /** The shift as written (lower case): part of feature-cache keys and report labels. */
    public String name() {
        return name;
    }

    /**
     * Applies the shift in place.
     *
     * @param rgb  [3][size][size] 8-bit values
     * @param seed per-image seed (noise)
     */
    public void apply(byte[] rgb, int size, long seed) {
        if (rgb.length != 3 * size * size) {
            throw new IllegalArgumentException(rgb.length + " bytes is not a 3x" + size + "x" + size + " image");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (Op op : ops) {
            op.apply(rgb, size, rng);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    @FunctionalInterface
    private interface Op {
        void apply(byte[] px, int size, SplittableRandom rng);
    }

    private static double parseStrength(String part, String v) {
        try {
            double d = Double.parseDouble(v);
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shift '" + part + "': strength must be a positive number");
        }
    }

    private static int u(byte b) {
        return b & 0xff;
    }

    private static byte clip(double v) {
        long r = Math.round(v);
        return (byte) (r < 0 ? 0 : r > 255 ? 255 : r);
    }

    private static Op blur(double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return (px, size, rng) -> {
            double[] tmp = new double[size * size];
            for (int c = 0; c < 3; c++) {
                int off = c * size * size;
                // Separable: rows, then columns; edges replicate the border pixel.
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double s = 0;
                        for (int i = -radius; i <= radius; i++) {
                            int xx = Math.min(size - 1, Math.max(0, x + i));
                            s += k[i + radius] * u(px[off + y * size + xx]);
                        }
                        tmp[y * size + x] = s;
                    }
                }
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double s = 0;
                        for (int i = -radius; i <= radius; i++) {
                            int yy = Math.min(size - 1, Math.max(0, y + i));
                            s += k[i + radius] * tmp[yy * size + x];
                        }
                        px[off + y * size + x] = clip(s);
                    }
                }
            }
        };
    }

    private static Op noise(double sigma) {
        return (px, size, rng) -> {
            for (int i = 0; i < px.length; i++) {
                px[i] = clip(u(px[i]) + 255 * sigma * gaussian(rng));
            }
        };
    }

    /** A standard normal deviate (Box–Muller), from our own generator so results are reproducible. */
    private static double gaussian(SplittableRandom rng) {
        double u1 = 1 - rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static int luma(byte[] px, int plane, int i) {
        // PIL's L conversion: (R*299 + G*587 + B*114) / 1000, rounded.
        return (u(px[i]) * 299 + u(px[plane + i]) * 587 + u(px[2 * plane + i]) * 114 + 500) / 1000;
    }

    private static void gray(byte[] px, int size) {
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            byte l = (byte) luma(px, plane, i);
            px[i] = l;
            px[plane + i] = l;
            px[2 * plane + i] = l;
        }
    }

    private static Op contrast(double factor) {
        return (px, size, rng) -> {
            int plane = size * size;
            long sum = 0;
            for (int i = 0; i < plane; i++) {
                sum += luma(px, plane, i);
            }
            double mean = Math.round((double) sum / plane);
            for (int i = 0; i < px.length; i++) {
                px[i] = clip(mean + factor * (u(px[i]) - mean));
            }
        };
    }

    private static Op pixelate(int block) {
        if (block < 2) {
            throw new IllegalArgumentException("pixelate block must be >= 2");
        }
        return (px, size, rng) -> {
            for (int c = 0; c < 3; c++) {
                int off = c * size * size;
                for (int by = 0; by < size; by += block) {
                    for (int bx = 0; bx < size; bx += block) {
                        int ye = Math.min(size, by + block), xe = Math.min(size, bx + block);
                        long s = 0;
                        for (int y = by; y < ye; y++) {
                            for (int x = bx; x < xe; x++) {
                                s += u(px[off + y * size + x]);
                            }
                        }
                        byte m = clip((double) s / ((ye - by) * (xe - bx)));
                        for (int y = by; y < ye; y++) {
                            for (int x = bx; x < xe; x++) {
                                px[off + y * size + x] = m;
                            }
                        }
                    }
                }
            }
        };
    }
}
