package dev.jclip.eval;

import dev.jclip.data.ImageTransforms;
import dev.jclip.data.IndexedDataset;
import dev.jclip.data.SampleTransform;
import dev.jclip.data.Skipped;
import dev.jclip.tensor.DType;
import dev.jclip.tensor.HostTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A labelled evaluation set preprocessed once into memory: normalized pixels [N, 3, R, R] and
 * labels. Images that cannot be read are skipped and counted.
 */
public record LabelledImages(HostTensor pixels, int[] labels, List<String> classNames, List<Skipped> skipped) {

    public int size() {
        return labels.length;
    }

    /** Preprocesses (the reference eval transform) up to {@code limit} samples on {@code threads} threads. */
    public static LabelledImages load(IndexedDataset data, int size, int threads, int limit) throws Exception {
        int n = limit > 0 ? Math.min(limit, data.size()) : data.size();
        SampleTransform t = ImageTransforms.eval(size);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<float[]>> fs = new ArrayList<>(n);
            List<Integer> labels = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int idx = i;
                fs.add(pool.submit(() -> {
                    var s = data.get(idx);
                    return t.apply(s.image(), null);
                }));
            }
            int per = 3 * size * size, ok = 0;
            List<Skipped> skipped = new ArrayList<>();
            ByteBuffer buf = ByteBuffer.allocate(n * per * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                try {
                    float[] px = fs.get(i).get();
                    buf.asFloatBuffer().position(ok * per).put(px);
                    labels.add(data.get(i).label());
                    ok++;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    skipped.add(new Skipped(data.describe(i), c instanceof dev.jclip.image.ImageDecodeException d ? d.reason()
                            : c.getMessage() != null ? c.getMessage() : c.toString()));
                }
            }
            ByteBuffer used = ByteBuffer.allocate(ok * per * 4).order(ByteOrder.LITTLE_ENDIAN);
            used.put(buf.array(), 0, ok * per * 4).flip();
            return new LabelledImages(new HostTensor(DType.F32, new long[]{ok, 3, size, size}, used),
                    labels.stream().mapToInt(Integer::intValue).toArray(), data.classNames(), skipped);
        } finally {
            pool.shutdownNow();
        }
    }
}
