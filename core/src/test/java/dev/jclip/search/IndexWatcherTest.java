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
