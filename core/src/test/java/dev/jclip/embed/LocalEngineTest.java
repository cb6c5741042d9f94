package dev.jclip.embed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local engine's pipelines: how the cores are split, and that concurrent partitions change no vector. */
class LocalEngineTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void layoutDefaultsToOneSingleThreadedPipelinePerCore() {
        assertEquals(new LocalEngine.Layout(2, 1, 1), LocalEngine.Layout.of(Map.of(), 2, 10));
        assertEquals(new LocalEngine.Layout(8, 1, 1), LocalEngine.Layout.of(Map.of(), 8, 10));
        // fewer partitions than cores: the cores go to the encoders of the pipelines there are
        assertEquals(new LocalEngine.Layout(1, 2, 2), LocalEngine.Layout.of(Map.of(), 2, 1));
        assertEquals(new LocalEngine.Layout(3, 2, 2), LocalEngine.Layout.of(Map.of(), 8, 3));
        // --threads alone: as many pipelines as fit
        assertEquals(new LocalEngine.Layout(1, 2, 2), LocalEngine.Layout.of(Map.of("threads", "2"), 2, 10));
        assertEquals(new LocalEngine.Layout(4, 2, 3),
                LocalEngine.Layout.of(Map.of("threads", "2", "decode-threads", "3"), 8, 10));
        assertEquals(new LocalEngine.Layout(3, 1, 1), LocalEngine.Layout.of(Map.of("pipelines", "3"), 2, 10));
        // one partition left over after an even share runs last, with all the cores
        assertEquals(new LocalEngine.Layout(1, 2, 2), LocalEngine.Layout.tail(Map.of(), 2, 3));
        assertEquals(new LocalEngine.Layout(1, 8, 8), LocalEngine.Layout.tail(Map.of(), 8, 17));
        assertEquals(null, LocalEngine.Layout.tail(Map.of(), 8, 11), "several left over keep 1 thread each");
        assertEquals(null, LocalEngine.Layout.tail(Map.of(), 2, 10), "even share: no tail");
        assertEquals(null, LocalEngine.Layout.tail(Map.of(), 2, 1), "one partition has all cores anyway");
        assertEquals(null, LocalEngine.Layout.tail(Map.of("threads", "1"), 2, 3), "--threads is kept throughout");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LocalEngine.Layout.of(Map.of("pipelines", "0"), 2, 10));
        assertTrue(e.getMessage().contains("pipelines"), e.getMessage());
    }

    @Test
    void itemsRunConcurrentlyAndComeBackInOrder() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Integer> items = List.of(0, 1, 2, 3, 4, 5, 6);
        List<Integer> out = Pipelines.run(2, items, () -> item -> {
            threads.add(Thread.currentThread().getName());
            both.countDown();
            // each of the first two items waits for the other: they can only end if they run at once
            assertTrue(both.await(10, TimeUnit.SECONDS), "the two pipelines did not run concurrently");
            return item * 10;
        }, "test-pipeline");
        assertEquals(List.of(0, 10, 20, 30, 40, 50, 60), out);
        assertEquals(2, threads.size(), threads.toString());
    }

    @Test
    void aFailureStopsNewItemsLetsTheOthersFinishAndIsRethrown() throws Exception {
        AtomicInteger started = new AtomicInteger(), finished = new AtomicInteger(), closed = new AtomicInteger();
        CountDownLatch failed = new CountDownLatch(1), bothStarted = new CountDownLatch(2);
        List<Integer> items = new ArrayList<>(Collections.nCopies(20, 0));
        items.set(0, 1); // the item that fails
        IOException boom = new IOException("partition 0 failed");
        IOException e = assertThrows(IOException.class, () -> Pipelines.run(2, items, () -> new Pipelines.Worker<Integer, Integer>() {
            @Override
            public Integer run(Integer item) throws Exception {
                started.incrementAndGet();
                bothStarted.countDown();
                if (item == 1) {
                    assertTrue(bothStarted.await(10, TimeUnit.SECONDS), "the second pipeline never started");
                    failed.countDown();
                    throw boom;
                }
                // the item in flight when the other fails; it ends well after the failure is recorded
                // (microseconds after the throw), so the next take must see it
                assertTrue(failed.await(10, TimeUnit.SECONDS));
                Thread.sleep(200);
                finished.incrementAndGet();
                return item;
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        }, "test-pipeline"));
        assertSame(boom, e);
        assertEquals(1, finished.get(), "the item in flight beside the failure finishes");
        assertEquals(2, started.get(), "no item starts after the failure");
        assertEquals(2, closed.get(), "every worker is closed");
    }

    @Test
    void twoPipelinesGiveTheVectorsOfOne(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        for (int i = 0; i < 4; i++) {
            TinyDatasets.shard(data, i, 6);
        }
        String model = EmbedDatasetTest.model();
        Map<Integer, EmbedSummary> runs = new java.util.HashMap<>();
        for (int pipelines : new int[]{1, 2}) {
            EmbedJob job = EmbedJob.of(data + "/shard-{000000..000003}.tar.gz", dir.resolve("out" + pipelines), model)
                    .withBatchSize(4);
            runs.put(pipelines, EmbedDataset.run(job, "local",
                    Map.of("pipelines", Integer.toString(pipelines), "threads", "1"), QUIET));
        }
        assertEquals(runs.get(1).rows(), runs.get(2).rows());
        for (int part = 0; part < 4; part++) {
            String name = EmbeddingLayout.partName(part) + ".image.npy";
            assertArrayEquals(Files.readAllBytes(dir.resolve("out1").resolve(name)),
                    Files.readAllBytes(dir.resolve("out2").resolve(name)), name);
        }
        assertEquals(EmbeddingShards.readAll(dir.resolve("out1")).stream().map(EmbeddingShards.Row::meta).toList(),
                EmbeddingShards.readAll(dir.resolve("out2")).stream().map(EmbeddingShards.Row::meta).toList());
    }
}
