package dev.jclip.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SearchQualityTest {
    @Test
    void precisionAtKAndAveragePrecisionFollowTheRanking(@TempDir Path dir) throws Exception {
        IndexSettings s = new IndexSettings("m", "f".repeat(64), "fp32", 2, Quantization.NONE);
        try (ImageIndex idx = ImageIndex.openForWriting(dir, s)) {
            // class "a" along x; ranking for query x: a1 (1.0), b1 (0.8), a2 (0.6), b2 (-1)
            idx.add("/d/a/1.png", 0, 0, 0, 0, new float[]{1, 0});
            idx.add("/d/b/1.png", 0, 0, 0, 0, new float[]{0.8f, 0.6f});
            idx.add("/d/a/2.png", 0, 0, 0, 0, new float[]{0.6f, 0.8f});
            idx.add("/d/b/2.png", 0, 0, 0, 0, new float[]{-1, 0});
            idx.commit();
            var r = SearchQuality.run(idx, Map.of("a", "qa"), t -> new float[]{1, 0}, 2);
            assertEquals(0.5, r.classes().get(0).precisionAtK(), 1e-9);
            assertEquals((1.0 + 2.0 / 3) / 2, r.classes().get(0).averagePrecision(), 1e-9);
            assertEquals(2, r.classes().get(0).relevant());
        }
    }
}
