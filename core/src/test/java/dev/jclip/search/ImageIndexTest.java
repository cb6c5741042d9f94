package dev.jclip.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageIndexTest {
    static final IndexSettings S = new IndexSettings("m", "f".repeat(64), "fp32", 16, Quantization.NONE);

    static float[] rnd(Random r, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void hnswAndExactAgreeOnASmallIndexAndScoresAreCosines(@TempDir Path dir) throws Exception {
        Random r = new Random(1);
        float[][] vs = new float[300][];
        try (ImageIndex idx = ImageIndex.openForWriting(dir, S)) {
            for (int i = 0; i < vs.length; i++) {
                vs[i] = rnd(r, 16);
                idx.add("/img/" + i + ".png", i, 1000 + i, 10, 20, vs[i]);
            }
            idx.commit();
            float[] q = vs[42].clone();
            List<Hit> exact = idx.search(q, 5, true, -2, 100);
            List<Hit> hnsw = idx.search(q, 5, false, -2, 100);
            assertEquals("/img/42.png", exact.get(0).entry().path());
            assertEquals(1.0, exact.get(0).score(), 1e-5);
            assertEquals(exact.stream().map(h -> h.entry().id()).toList(), hnsw.stream().map(h -> h.entry().id()).toList());
            for (int i = 0; i < 5; i++) {
                assertEquals(exact.get(i).score(), hnsw.get(i).score(), 1e-6);
            }
            assertEquals(List.of(exact.get(0)), idx.search(q, 5, false, 0.999f, 100), "threshold keeps only the image itself");
            IndexEntry e = idx.entry(exact.get(0).entry().id()).orElseThrow();
            assertEquals(42, e.size());
            assertEquals(1042, e.mtimeMillis());
            assertEquals(10, e.width());
            assertEquals(20, e.height());
        }
    }

    @Test
    void reopensKeepsIdsOnReplaceRemovesAndRefusesAnotherModel(@TempDir Path dir) throws Exception {
        Random r = new Random(2);
        long id;
        try (ImageIndex idx = ImageIndex.openForWriting(dir, S)) {
            idx.add("/a.png", 1, 1, 1, 1, rnd(r, 16));
            id = idx.add("/b.png", 1, 1, 1, 1, rnd(r, 16));
            idx.addBad("/c.png", 0, 5, "the file is empty");
        }
        try (ImageIndex idx = ImageIndex.openForWriting(dir, S)) {
            assertEquals(3, idx.entries().size());
            assertEquals(2, idx.size(), "the bad file has no vector");
            assertTrue(idx.entries().get("/c.png").isBad());
            assertEquals(id, idx.add("/b.png", 2, 2, 1, 1, rnd(r, 16)), "replacing keeps the id");
            long fresh = idx.add("/d.png", 1, 1, 1, 1, rnd(r, 16));
            assertTrue(fresh > id, "new ids are never reused");
            idx.remove("/a.png");
            idx.commit();
            assertEquals(2, idx.size(), "b and d (a removed, c bad)");
            assertFalse(idx.entries().containsKey("/a.png"));
            assertEquals(2, idx.entries().get("/b.png").size());
        }
        IndexSettings other = new IndexSettings("m2", "0".repeat(64), "fp32", 16, Quantization.NONE);
        IndexMismatchException e = assertThrows(IndexMismatchException.class, () -> ImageIndex.openForWriting(dir, other));
        assertTrue(e.getMessage().contains("built with model m"), e.getMessage());
        IndexSettings bf16 = new IndexSettings("m", "f".repeat(64), "bf16", 16, Quantization.NONE);
        assertThrows(IndexMismatchException.class, () -> ImageIndex.openForWriting(dir, bf16));
        try (ImageIndex ro = ImageIndex.openReadOnly(dir)) {
            assertEquals(S, ro.settings());
            assertEquals(2, ro.size());
            assertThrows(IllegalStateException.class, () -> ro.remove("/b.png"));
        }
    }

    @Test
    void quantizedIndexFindsTheSameNeighboursAndReportsFloatCosines(@TempDir Path dir) throws Exception {
        for (Quantization q : List.of(Quantization.INT7, Quantization.INT4)) {
            Path d = dir.resolve(q.label());
            Random r = new Random(3);
            float[][] vs = new float[200][];
            try (ImageIndex idx = ImageIndex.openForWriting(d, new IndexSettings("m", "f".repeat(64), "fp32", 16, q))) {
                for (int i = 0; i < vs.length; i++) {
                    vs[i] = rnd(r, 16);
                    idx.add("/" + i, 0, 0, 0, 0, vs[i]);
                }
                idx.commit();
                List<Hit> h = idx.search(vs[7], 1, false, -2, 100);
                assertEquals("/7", h.get(0).entry().path(), q.label());
                assertEquals(1.0, h.get(0).score(), 1e-5, "re-scored on float vectors");
            }
            assertEquals(q, ImageIndex.readSettings(d).quantization());
        }
    }

    @Test
    void duplicatesGroupNearIdenticalVectors(@TempDir Path dir) throws Exception {
        Random r = new Random(4);
        try (ImageIndex idx = ImageIndex.openForWriting(dir, S)) {
            float[] base = rnd(r, 16);
            for (int i = 0; i < 50; i++) {
                idx.add("/x" + i, 0, 0, 0, 0, rnd(r, 16));
            }
            for (int i = 0; i < 3; i++) {
                float[] v = base.clone();
                v[i] += 0.01f;
                idx.add("/dup" + i, 0, 0, 0, 0, v);
            }
            idx.commit();
            for (boolean exact : new boolean[]{false, true}) {
                List<Duplicates.Group> g = Duplicates.find(idx, 0.99f, 10, exact);
                assertEquals(1, g.size(), "groups: " + g);
                assertEquals(List.of("/dup0", "/dup1", "/dup2"), g.get(0).members().stream().map(IndexEntry::path).toList());
            }
        }
    }
}
