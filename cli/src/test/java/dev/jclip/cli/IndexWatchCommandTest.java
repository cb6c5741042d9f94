package dev.jclip.cli;

import dev.jclip.search.ImageIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clip index --watch} in a child JVM: it follows a folder, is SIGKILLed in the middle of a
 * pass, and a restarted watcher catches up with nothing lost or doubled. Then, with the default
 * debounce, it measures the delay from a file change (add, change, delete) to the committed
 * index, which is what {@code clip serve --watch} reopens, and prints the figures.
 */
class IndexWatchCommandTest {
    static final int FIRST = 40, MORE = 200;

    static List<String> watchArgs(Path idx, Path imgs, String... extra) {
        List<String> a = new ArrayList<>(List.of("index", "--watch", "--index", idx.toString(), "--model",
                SearchCommandsTest.model().toString(), "--batch", "4", "--commit-every", "4", "--threads", "1", "--quiet"));
        a.addAll(List.of(extra));
        a.add(imgs.toString());
        return a;
    }

    @Test
    void killedMidPassLosesNothingDoublesNothingAndChangesBecomeSearchable(@TempDir Path tmp) throws Exception {
        Path imgs = Files.createDirectories(tmp.resolve("imgs")), staging = Files.createDirectories(tmp.resolve("staging"));
        Path idx = tmp.resolve("idx");
        SearchCommandsTest.noise(staging, FIRST + MORE + 5);
        List<Path> all;
        try (var s = Files.list(staging)) {
            all = s.sorted().toList();
        }
        for (Path p : all.subList(0, FIRST)) {
            Files.move(p, imgs.resolve(p.getFileName()));
        }
        Process first = KillAndResumeTest.start(watchArgs(idx, imgs, "--debounce-ms", "200"), tmp.resolve("a.log"));
        try {
            awaitSize(idx, n -> n == FIRST, first, tmp.resolve("a.log"), "the first catch-up");
            for (Path p : all.subList(FIRST, FIRST + MORE)) {
                Files.move(p, imgs.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
            int seen = awaitSize(idx, n -> n >= FIRST + 8, first, tmp.resolve("a.log"), "a commit mid-pass");
            assertTrue(first.isAlive(), "the watcher must still be running to be killed");
            first.destroyForcibly(); // SIGKILL, mid-pass unless the pass was faster than the poll
            first.waitFor();
            int kept = size(idx);
            assertTrue(kept >= seen && kept <= FIRST + MORE, "kept " + kept + ", seen " + seen);
            System.out.printf(Locale.ROOT, "watch killed with %d of %d images committed%n", kept, FIRST + MORE);
        } finally {
            first.destroyForcibly();
        }

        Path log = tmp.resolve("b.log");
        Process second = KillAndResumeTest.start(watchArgs(idx, imgs), log); // default debounce (500 ms)
        try {
            awaitSize(idx, n -> n == FIRST + MORE, second, log, "the catch-up after the kill");
            try (ImageIndex ro = ImageIndex.openReadOnly(idx)) {
                assertEquals(FIRST + MORE, ro.size(), "nothing doubled");
                assertEquals(FIRST + MORE, ro.entries().size(), "nothing lost");
            }
            List<Double> add = new ArrayList<>(), change = new ArrayList<>(), delete = new ArrayList<>();
            try (ImageIndex ro = ImageIndex.openReadOnly(idx)) {
                for (int i = 0; i < 5; i++) {
                    Path src = all.get(FIRST + MORE + i), dst = imgs.resolve(src.getFileName());
                    long t0 = System.nanoTime();
                    Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
                    add.add(until(ro, () -> ro.entries().containsKey(dst.toString()), t0));

                    long before = ro.entries().get(dst.toString()).mtimeMillis();
                    t0 = System.nanoTime();
                    Files.copy(imgs.resolve(all.get(i).getFileName()), dst, StandardCopyOption.REPLACE_EXISTING); // other pixels
                    Files.setLastModifiedTime(dst, java.nio.file.attribute.FileTime.fromMillis(before + 10_000));
                    change.add(until(ro, () -> ro.entries().get(dst.toString()).mtimeMillis() == before + 10_000, t0));

                    t0 = System.nanoTime();
                    Files.delete(dst);
                    delete.add(until(ro, () -> !ro.entries().containsKey(dst.toString()), t0));
                }
            }
            System.out.printf(Locale.ROOT, "watch delay from file change to committed (ms, 5 each, debounce 500 ms): "
                    + "add %s, change %s, delete %s%n", fmt(add), fmt(change), fmt(delete));
            second.destroy(); // SIGTERM: the shutdown hook ends the watch and closes the index
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
            assertEquals(FIRST + MORE, size(idx));
        } finally {
            second.destroyForcibly();
        }
    }

    interface Check {
        boolean done() throws Exception;
    }

    static double until(ImageIndex ro, Check c, long t0) throws Exception {
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            ro.refresh();
            if (c.done()) {
                return (System.nanoTime() - t0) / 1e6;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("a change was not committed within 60 s");
    }

    static String fmt(List<Double> ms) {
        List<Double> s = ms.stream().sorted().toList();
        return String.format(Locale.ROOT, "median %.0f, max %.0f", s.get(s.size() / 2), s.get(s.size() - 1));
    }

    static int size(Path idx) throws Exception {
        if (!ImageIndex.exists(idx)) {
            return 0;
        }
        try (ImageIndex ro = ImageIndex.openReadOnly(idx)) {
            return ro.size();
        }
    }

    static int awaitSize(Path idx, IntPredicate ok, Process p, Path log, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            int n = size(idx);
            if (ok.test(n)) {
                return n;
            }
            if (!p.isAlive()) {
                throw new AssertionError(what + ": the watcher exited:\n" + Files.readString(log));
            }
            Thread.sleep(30);
        }
        throw new AssertionError(what + ": timed out at " + size(idx) + " images:\n" + Files.readString(log));
    }
}
