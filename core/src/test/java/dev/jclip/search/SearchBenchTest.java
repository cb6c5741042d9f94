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
}
