package dev.jclip.cli;

import dev.jclip.search.ImageIndex;
import dev.jclip.search.IndexReport;
import dev.jclip.search.IndexWatcher;
import dev.jclip.search.Indexer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code clip index --watch}: the index is brought up to date and then kept so, pass by pass, until
 * the process is stopped. Ctrl-C (SIGTERM, SIGINT) ends the watch and closes the index with a last
 * commit; SIGKILL loses at most the pass under way, whose last {@code --commit-every} commit
 * stays, and the next start catches up from there.
 */
final class IndexWatchMode {
    private IndexWatchMode() {
    }

    static int run(Indexer indexer, Path dir, ImageIndex index, List<Path> roots, Duration debounce, Duration rescan) throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        try (IndexWatcher w = new IndexWatcher(indexer, index, roots).debounce(debounce).rescanEvery(rescan)
                .onBatch(b -> print(b, index)).onProblem(p -> System.err.println("watch: " + p))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    w.close();
                    closed.await(30, TimeUnit.SECONDS); // let the index close with its last commit
                } catch (Exception ignored) {
                    // shutting down anyway
                }
            }, "watch-stop"));
            System.out.printf(Locale.ROOT, "watching %s for %s (debounce %d ms, full pass every %d s); Ctrl-C stops%n",
                    roots, dir, debounce.toMillis(), rescan.toSeconds());
            System.out.flush();
            w.run();
        } finally {
            index.close();
            closed.countDown();
        }
        return 0;
    }

    private static void print(IndexWatcher.Batch b, ImageIndex index) {
        IndexReport r = b.report();
        int total;
        try {
            total = index.size();
        } catch (Exception e) {
            total = -1;
        }
        if (r.embedded() == 0 && r.removed() == 0 && r.bad().isEmpty() && !b.full()) {
            return; // events that changed nothing indexable (a .txt file, a folder's own mtime)
        }
        System.out.printf(Locale.ROOT, "%s: +%d new, %d changed, -%d removed, %d bad; %.2f s after the first event; "
                        + "the index holds %d images%n", b.full() ? "full pass" : "pass over " + b.scope(),
                r.added(), r.updated(), r.removed(), r.bad().size(), b.secondsSinceFirstEvent(), total);
        r.bad().forEach(f -> System.out.println("  bad: " + f.path() + ": " + f.reason()));
        System.out.flush();
    }
}
