package dev.jclip.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static dev.jclip.search.IndexerTest.S;
import static dev.jclip.search.IndexerTest.png;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IndexWatcher} with the stand-in encoder: what changed while nobody watched is caught up
 * at the start, then added, changed, renamed and deleted files, new folders (empty, then filled, or
 * moved in already full) and deleted folders reach the committed index, as a read-only reader (the
 * server's view) sees it.
 */
class IndexWatcherTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void followsAddsChangesRenamesDeletesAndNewFolders(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("photos")), outside = Files.createDirectories(tmp.resolve("outside"));
        Path dir = tmp.resolve("idx");
        png(root.resolve("a.png"), Color.RED, 20, 20);
        png(root.resolve("b.png"), Color.GREEN, 20, 20);
        try (ImageIndex w = ImageIndex.openForWriting(dir, S)) {
            new Indexer(new IndexerTest.FakeEncoder()).run(w, List.of(root));
        }
        png(root.resolve("c.png"), Color.BLUE, 20, 20); // while nobody watches
        Files.delete(root.resolve("b.png"));

        IndexerTest.FakeEncoder enc = new IndexerTest.FakeEncoder();
        List<IndexWatcher.Batch> batches = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        try (ImageIndex w = ImageIndex.openForWriting(dir, S);
             ImageIndex ro = ImageIndex.openReadOnly(dir);
             IndexWatcher watcher = new IndexWatcher(new Indexer(enc).batchSize(4).commitEvery(4).threads(1), w, List.of(root))
                     .debounce(Duration.ofMillis(150)).onBatch(batches::add).onProblem(problems::add)) {
            Thread t = new Thread(() -> {
                try {
                    watcher.run();
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }, "watch");
            t.start();
            String a = root.resolve("a.png").toString(), c = root.resolve("c.png").toString();
            await(ro, m -> m.containsKey(c) && !m.containsKey(root.resolve("b.png").toString()) && m.size() == 2, "catch-up");
            assertEquals(1, enc.encoded.get(), "the catch-up embeds only the file added meanwhile");

            Path d = root.resolve("d.png");
            png(d, Color.ORANGE, 24, 24);
            await(ro, m -> m.containsKey(d.toString()), "added file");

            long idBefore = ro.entries().get(a).id();
            png(root.resolve("a.png"), Color.MAGENTA, 30, 10);
            Files.setLastModifiedTime(root.resolve("a.png"), FileTime.fromMillis(System.currentTimeMillis() + 3000));
            await(ro, m -> m.get(a).width() == 30, "changed file");
            assertEquals(idBefore, ro.entries().get(a).id(), "a changed file keeps its id");

            Path renamed = root.resolve("renamed.png");
            Files.move(d, renamed, StandardCopyOption.ATOMIC_MOVE);
            await(ro, m -> m.containsKey(renamed.toString()) && !m.containsKey(d.toString()), "renamed file");

            Files.delete(root.resolve("c.png"));
            await(ro, m -> !m.containsKey(c), "deleted file");

            Path sub = Files.createDirectories(root.resolve("new/deeper"));
            png(sub.resolve("e.png"), Color.CYAN, 20, 20);
            await(ro, m -> m.containsKey(sub.resolve("e.png").toString()), "file in a new folder");
            png(sub.resolve("f.png"), Color.PINK, 20, 20);
            await(ro, m -> m.containsKey(sub.resolve("f.png").toString()), "file added later to the new folder (registered)");

            Path full = Files.createDirectories(outside.resolve("album"));
            for (int i = 0; i < 5; i++) {
                png(full.resolve("g" + i + ".png"), new Color(40 * i, 10, 90), 20, 20);
            }
            Files.move(full, root.resolve("album"), StandardCopyOption.ATOMIC_MOVE);
            await(ro, m -> m.keySet().stream().filter(p -> p.contains("/album/")).count() == 5, "folder moved in full");

            Files.walk(root.resolve("new")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            await(ro, m -> m.keySet().stream().noneMatch(p -> p.contains("/new/")), "deleted folder");

            Map<String, IndexEntry> end = ro.entries();
            assertEquals(7, end.size(), end.keySet().toString());
            assertEquals(7, ro.size(), "one vector per file: nothing doubled");
            assertTrue(problems.isEmpty(), problems.toString());
            assertTrue(batches.stream().noneMatch(b -> b.full() && batches.indexOf(b) > 0), "no full rescans were needed: " + batches);
            watcher.close();
            t.join(10_000);
            assertTrue(!t.isAlive(), "close() stops run()");
        }
    }

    /**
     * Java's watch service reports OVERFLOW once more than 512 events wait on one folder: made
     * here by creating 600 files while a pass is held up in a slow encoder. The overflow must
     * lead to a full pass that indexes every file.
     */
    @Test
    void overflowAndThePeriodicRescanRunFullPasses(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("photos"));
        IndexerTest.FakeEncoder fake = new IndexerTest.FakeEncoder();
        java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean();
        ImageEncoder enc = new ImageEncoder() {
            public int resolution() {
                return fake.resolution();
            }

            public float[][] encode(dev.jclip.tensor.HostTensor px) {
                if (slow.getAndSet(false)) {
                    try {
                        Thread.sleep(4000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return fake.encode(px);
            }
        };
        List<IndexWatcher.Batch> batches = new CopyOnWriteArrayList<>();
        try (ImageIndex w = ImageIndex.openForWriting(tmp.resolve("idx"), S);
             ImageIndex ro = ImageIndex.openReadOnly(tmp.resolve("idx"));
             IndexWatcher watcher = new IndexWatcher(new Indexer(enc).batchSize(64).threads(1), w, List.of(root))
                     .debounce(Duration.ofMillis(100)).onBatch(batches::add)) {
            Thread t = new Thread(() -> {
                try {
                    watcher.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "watch");
            t.start();
            while (batches.isEmpty()) {
                Thread.sleep(10); // the catch-up pass
            }
            slow.set(true);
            png(root.resolve("first.png"), Color.RED, 8, 8);
            while (slow.get()) {
                Thread.sleep(5); // the pass is now inside the slow encoder
            }
            byte[] tiny = Files.readAllBytes(root.resolve("first.png"));
            for (int i = 0; i < 600; i++) {
                Files.write(root.resolve(String.format("f%03d.png", i)), tiny);
            }
            await(ro, m -> m.size() == 601, "all 601 files after the overflow");
            assertTrue(batches.stream().skip(1).anyMatch(IndexWatcher.Batch::full), "a full pass after the overflow: " + batches);

            watcher.close();
            t.join(10_000);
        }
    }

    /** Idle, a full pass still runs every rescanEvery, for changes no event reported. */
    @Test
    void idleFullPassesRunEveryRescanInterval(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("photos"));
        List<IndexWatcher.Batch> batches = new CopyOnWriteArrayList<>();
        try (ImageIndex w = ImageIndex.openForWriting(tmp.resolve("idx"), S);
             IndexWatcher watcher = new IndexWatcher(new Indexer(new IndexerTest.FakeEncoder()), w, List.of(root))
                     .rescanEvery(Duration.ofMillis(200)).onBatch(batches::add)) {
            Thread t = new Thread(() -> {
                try {
                    watcher.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "watch");
            t.start();
            Thread.sleep(1500);
            watcher.close();
            t.join(10_000);
        }
        assertTrue(batches.size() >= 4 && batches.stream().allMatch(IndexWatcher.Batch::full),
                "the catch-up and a full pass every 200 ms: " + batches.size() + " passes");
    }

    static void await(ImageIndex ro, Predicate<Map<String, IndexEntry>> done, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, IndexEntry> m = Map.of();
        while (System.nanoTime() < deadline) {
            ro.refresh();
            m = ro.entries();
            if (done.test(m)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(what + ": not in the committed index after " + WAIT + ": " + m.keySet());
    }
}
