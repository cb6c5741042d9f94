package dev.jclip.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search benchmark's bounded smoke version: HNSW finds the exact neighbours of clustered vectors, built on one thread or two. */
class SearchBenchTest {
    @TempDir
    Path tmp;

    @Test
    void recallOnClusteredVectorsWithOneAndTwoBuildThreads() throws Exception {
        for (int threads : new int[]{1, 2}) {
            var spec = new SearchBench.Spec(3000, 64, 40, 20, 10, 100, Quantization.NONE, true, 7, threads);
            SearchBench.Result r = SearchBench.run(spec, tmp, s -> { });
            assertTrue(r.recall() >= 0.95, threads + " build threads: recall@10 " + r.recall());
            assertTrue(r.hnswQps() > 0 && r.exactQps() > 0);
            assertEquals(threads, spec.threads());
            assertTrue(r.json().contains("\"build_threads\":" + threads), r.json());
        }
    }

    @Test
    void severalBeamsOnOneBuildShareItsTruthAndRecallDoesNotFallWithTheBeam() throws Exception {
        var spec = new SearchBench.Spec(3000, 64, 40, 20, 10, 0, Quantization.NONE, false, 3, 1);
        var rs = SearchBench.run(spec, new int[]{10, 50, 200}, tmp, s -> { });
        assertEquals(3, rs.size());
        assertEquals(10, rs.get(0).spec().candidates());
        assertEquals(rs.get(0).buildSeconds(), rs.get(2).buildSeconds());
        assertTrue(rs.get(2).recall() >= rs.get(0).recall(), "recall " + rs.get(0).recall() + " at beam 10, " + rs.get(2).recall() + " at 200");
        assertTrue(rs.get(2).recall() >= 0.95, "beam 200 on 3,000 uniform vectors: " + rs.get(2).recall());
    }
}
