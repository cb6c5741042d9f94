package dev.jclip.serve;

import dev.jclip.search.ImageIndex;
import dev.jclip.search.IndexSettings;
import dev.jclip.search.Quantization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clip serve --watch}: a read-only index sees another writer's commits through the
 * refresher alone ({@link ImageIndex#size()} never refreshes by itself), within a few intervals.
 */
class IndexRefresherTest {
    @Test
    void aReaderFollowsCommitsWithoutARestart(@TempDir Path tmp) throws Exception {
        IndexSettings s = new IndexSettings("fake", "b".repeat(64), "fp32", 4, Quantization.NONE);
        Path dir = tmp.resolve("idx");
        try (ImageIndex w = ImageIndex.openForWriting(dir, s); ImageIndex ro = ImageIndex.openReadOnly(dir)) {
            w.add("/x/a.png", 1, 1, 2, 2, new float[]{1, 0, 0, 0});
            w.commit();
            Thread.sleep(300);
            assertEquals(0, ro.size(), "without the refresher the reader stays at the commit it opened");
            try (IndexRefresher r = IndexRefresher.start(ro, Duration.ofMillis(50), msg -> { })) {
                long t0 = System.nanoTime();
                while (ro.size() < 1 && System.nanoTime() - t0 < 10_000_000_000L) {
                    Thread.sleep(5);
                }
                assertEquals(1, ro.size());
                w.add("/x/b.png", 1, 1, 2, 2, new float[]{0, 1, 0, 0});
                w.commit();
                long t1 = System.nanoTime();
                while (ro.size() < 2 && System.nanoTime() - t1 < 10_000_000_000L) {
                    Thread.sleep(5);
                }
                double ms = (System.nanoTime() - t1) / 1e6;
                assertEquals(2, ro.size());
                assertTrue(ms < 5_000, "seen " + ms + " ms after the commit");
                System.out.printf("serve --watch: a commit is searchable %.0f ms later (refresh every 50 ms)%n", ms);
            }
        }
    }
}
