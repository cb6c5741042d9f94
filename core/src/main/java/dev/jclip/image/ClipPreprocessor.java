package dev.jclip.image;

import dev.jclip.tensor.DType;
import dev.jclip.tensor.HostTensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The reference CLIP image transform: Resize(n, bicubic, shorter side) → CenterCrop(n) →
 * convert("RGB") → [0, 1] → normalize with the CLIP mean and std, with PIL 9.4 / torchvision
 * 0.14 semantics (truncated output size, half-to-even crop offsets, resizing in the image's own
 * mode: premultiplied alpha for RGBA/LA, nearest for palettes, 32-bit for mode I). Immutable
 * and thread-safe.
 */
public final class ClipPreprocessor {
    public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final int size;

    private ClipPreprocessor(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size " + size);
        }
        this.size = size;
    }

    public static ClipPreprocessor of(int nPx) {
        return new ClipPreprocessor(nPx);
    }

    public int size() {
        return size;
    }

    /** The [3, n, n] CHW uint8 image after resize, crop and RGB conversion (before normalization). */
    public byte[] toRgbU8(DecodedImage img) {
        DecodedImage resized = resized(img);
        return ImageOps.cropToRgbChw(resized, left(resized), top(resized), size, size);
    }

    /** Resized so that the shorter side is {@code size} (the other truncated, as torchvision). */
    private DecodedImage resized(DecodedImage img) {
        int w = img.width(), h = img.height();
        int nw, nh;
        if (w <= h) {
            nw = size;
            nh = (int) ((double) size * h / w);
        } else {
            nh = size;
            nw = (int) ((double) size * w / h);
        }
        return ImageOps.resize(img, nw, nh);
    }

    private int left(DecodedImage resized) {
        return (int) Math.rint((resized.width() - size) / 2.0);
    }

    private int top(DecodedImage resized) {
        return (int) Math.rint((resized.height() - size) / 2.0);
    }

    /** (u8/255 − mean)/std per channel, in float32 as the reference computes it. */
    public float[] normalize(byte[] rgbU8Chw) {
        int plane = rgbU8Chw.length / 3;
        float[] out = new float[rgbU8Chw.length];
        for (int c = 0; c < 3; c++) {
            float[] lut = NORMALIZED[c];
            for (int i = c * plane, e = i + plane; i < e; i++) {
                out[i] = lut[rgbU8Chw[i] & 0xff];
            }
        }
        return out;
    }

    /** Per channel, the normalized value of each of the 256 byte values: the same float arithmetic, done once. */
    private static final float[][] NORMALIZED = new float[3][256];

    static {
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                NORMALIZED[c][v] = (v / 255f - MEAN[c]) / STD[c];
            }
        }
    }

    /** The model's input: resized, cropped, RGB, normalized, [3, n, n] CHW float32. */
    public float[] preprocess(DecodedImage img) {
        DecodedImage resized = resized(img);
        // RGB photos skip the uint8 plane: crop and lookup in one pass, the same numbers
        float[] direct = ImageOps.cropRgbToChw(resized, left(resized), top(resized), size, size, NORMALIZED);
        if (direct != null) {
            return direct;
        }
        return normalize(ImageOps.cropToRgbChw(resized, left(resized), top(resized), size, size));
    }

    /** Decodes and preprocesses files on {@code threads} threads: F32 [N, 3, n, n]. */
    public HostTensor preprocessBatch(List<Path> files, int threads) throws IOException {
        int per = 3 * size * size;
        ByteBuffer buf = ByteBuffer.allocate(files.size() * per * 4).order(ByteOrder.LITTLE_ENDIAN);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<float[]>> fs = new ArrayList<>();
            for (Path f : files) {
                fs.add(pool.submit(() -> preprocess(ImageDecoder.decode(f))));
            }
            for (int i = 0; i < fs.size(); i++) {
                float[] px = get(fs.get(i));
                buf.asFloatBuffer().position(i * per).put(px);
            }
        } finally {
            pool.shutdownNow();
        }
        return new HostTensor(DType.F32, new long[]{files.size(), 3, size, size}, buf);
    }

    static <T> T get(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
