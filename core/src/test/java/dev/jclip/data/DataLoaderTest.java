package dev.jclip.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DataLoaderTest {
    /** 100 samples; sample i is a 1x1 "image" whose value is i; every 7th cannot be decoded. */
    static final IndexedDataset DATA = new IndexedDataset() {
        @Override
        public int size() {
            return 100;
        }

        @Override
        public Sample get(int i) {
            return new Sample("s" + i, new ImageData.Gray8(1, 1, new byte[]{(byte) i}, "s" + i), null, i % 3);
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }
    };

    static final SampleTransform TRANSFORM = (img, rng) -> {
        int v = ((ImageData.Gray8) img).pixels()[0];
        if (v % 7 == 0) {
            throw new IllegalArgumentException("corrupt " + img.name());
        }
        float noise = (float) rng.nextDouble();
        return new float[]{v, noise, 0};
    };

    static List<float[]> run(int threads, long epoch, long skip, List<Long> positions) {
        SampleSource src = new Captioner(ShuffledSource.of(DATA, 42), List.of("a photo of {}."), DATA.classNames(), 42);
        try (DataLoader dl = new DataLoader(src, TRANSFORM, 8, 1, threads, 42)) {
            List<float[]> out = new ArrayList<>();
            for (Iterator<Batch> it = dl.epoch(epoch, skip); it.hasNext(); ) {
                Batch b = it.next();
                out.add(b.pixels().toFloatArray());
                positions.add(b.position());
                assertEquals(8, b.captions().size());
                assertFalse(b.captions().get(0).contains("{}"));
            }
            return out;
        }
    }

    @Test
    void deterministicAcrossThreadCountsSkipsCorruptAndResumes() {
        List<Long> p1 = new ArrayList<>(), p2 = new ArrayList<>(), p3 = new ArrayList<>();
        List<float[]> one = run(1, 0, 0, p1);
        List<float[]> two = run(2, 0, 0, p2);
        assertEquals(one.size(), two.size());
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i));
        }
        // 100 samples, 14 corrupt (0, 7, …, 98) → 86 good → 10 full batches
        assertEquals(10, one.size());
        // resuming after batch 4 reproduces batches 5..10
        List<float[]> rest = run(2, 0, p1.get(3), p3);
        assertEquals(6, rest.size());
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(one.get(4 + i), rest.get(i));
        }
        // another epoch has another order
        List<float[]> e1 = run(2, 1, 0, new ArrayList<>());
        assertFalse(java.util.Arrays.equals(one.get(0), e1.get(0)));
    }
}
