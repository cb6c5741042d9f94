package dev.jclip.search;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps an {@link ImageIndex} current with folders as files are added, changed, renamed and
 * deleted ({@code clip index --watch}). A {@link WatchService} is registered on every folder under
 * the roots, and on each new folder as it appears. Events only mark folders dirty; once no event
 * has come for the debounce time (or the oldest pending one is {@code maxDelay} old) the dirty
 * folders are brought up to date by the {@link Indexer}, the same incremental pass as
 * {@code clip index}: it compares sizes and modification times with the index, embeds what is new
 * or changed, removes what is gone, and commits every {@code commitEvery} images and at the end.
 * Crash safety is therefore the indexer's: a kill mid-batch leaves the last commit, and the
 * catch-up pass on the next start embeds exactly what that commit lacks. Events can be lost
 * (OVERFLOW, or a folder created and filled before it was registered), so an overflow triggers a
 * full pass, and a full pass also runs every {@code rescanEvery}.
 */
public final class IndexWatcher implements AutoCloseable {
    /** One pass: what it covered and what the indexer reported. */
    public record Batch(List<Path> scope, boolean full, IndexReport report, double secondsSinceFirstEvent) {
    }

    private final Indexer indexer;
    private final ImageIndex index;
    private final List<Path> roots;
    private final Path indexDir;
    private final WatchService watcher;
    private final Map<WatchKey, Path> keys = new ConcurrentHashMap<>();
    private Duration debounce = Duration.ofMillis(500);
    private Duration maxDelay = Duration.ofSeconds(5);
    private Duration rescanEvery = Duration.ofMinutes(10);
    private Consumer<Batch> onBatch = b -> { };
    private Consumer<String> onProblem = s -> { };
    private volatile boolean closed;

    /** Watches {@code roots} (folders) for {@code index}, which must be open for writing. */
    public IndexWatcher(Indexer indexer, ImageIndex index, List<Path> roots) throws IOException {
        List<Path> rs = new ArrayList<>();
        for (Path r : roots) {
            Path abs = r.toAbsolutePath().normalize();
            if (!Files.isDirectory(abs)) {
                throw new IOException("--watch follows folders; " + r + " is not one");
            }
            rs.add(abs);
        }
        this.indexer = indexer;
        this.index = index;
        this.roots = List.copyOf(rs);
        this.indexDir = index.path().toAbsolutePath().normalize();
        this.watcher = FileSystems.getDefault().newWatchService();
    }

    /** Quiet time after the last event before a pass (default 500 ms). */
    public IndexWatcher debounce(Duration d) {
        this.debounce = d;
        return this;
    }

    /** Longest wait for a pass while events keep coming (default 5 s). */
    public IndexWatcher maxDelay(Duration d) {
        this.maxDelay = d;
        return this;
    }

    /** Interval of full passes that catch events the watch service lost (default 10 min). */
    public IndexWatcher rescanEvery(Duration d) {
        this.rescanEvery = d;
        return this;
    }

    /** Called after every pass, on the watching thread. */
    public IndexWatcher onBatch(Consumer<Batch> c) {
        this.onBatch = c;
        return this;
    }

    /** Called with a message when a pass failed (it is retried after the debounce time). */
    public IndexWatcher onProblem(Consumer<String> c) {
        this.onProblem = c;
        return this;
    }

    /**
     * Registers the folders, runs a full catch-up pass, then follows changes until {@link #close()}
     * or an interrupt. Registration comes first, so nothing changed during the catch-up is missed.
     */
    public void run() throws IOException {
        for (Path r : roots) {
            register(r);
        }
        long start = System.nanoTime();
        boolean full = !pass(roots, true, start); // a failed catch-up is retried like a lost event
        Set<Path> dirty = new LinkedHashSet<>();
        long first = full ? start : 0, last = first, nextRescan = start + rescanEvery.toNanos();
        try {
            while (!closed) {
                long now = System.nanoTime();
                boolean pending = full || !dirty.isEmpty();
                long due = pending ? Math.min(last + debounce.toNanos(), first + maxDelay.toNanos()) : nextRescan;
                WatchKey k = due > now ? watcher.poll(due - now, TimeUnit.NANOSECONDS) : watcher.poll();
                if (k != null) {
                    now = System.nanoTime();
                    Path dir = keys.get(k);
                    for (WatchEvent<?> e : k.pollEvents()) {
                        if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                            full = true; // events were dropped: only a full pass knows what changed
                        } else if (dir != null) {
                            Path child = dir.resolve((Path) e.context());
                            if (child.startsWith(indexDir)) {
                                continue; // the index's own writes
                            }
                            if (e.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(child)) {
                                register(child); // files made in it before this line are found by the pass over dir
                            }
                            dirty.add(dir);
                        }
                        if (first == 0) {
                            first = now;
                        }
                        last = now;
                    }
                    if (!k.reset()) {
                        keys.remove(k); // the folder is gone; its parent's DELETE event marks the parent dirty
                    }
                }
                now = System.nanoTime();
                if (full || now >= nextRescan) {
                    if (full) {
                        keys.keySet().forEach(WatchKey::cancel);
                        keys.clear();
                        for (Path r : roots) {
                            register(r);
                        }
                    }
                    if (pass(roots, true, first == 0 ? now : first)) {
                        dirty.clear();
                        full = false;
                        first = 0;
                    } else {
                        full = true;
                        first = last = System.nanoTime(); // retry after the debounce time, not at once
                    }
                    nextRescan = now + rescanEvery.toNanos();
                } else if (!dirty.isEmpty() && (now >= last + debounce.toNanos() || now >= first + maxDelay.toNanos())) {
                    if (pass(scopes(dirty), false, first)) {
                        dirty.clear();
                        first = 0;
                    } else {
                        first = last = System.nanoTime(); // retry after the debounce time, not at once
                    }
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed or interrupted: stop watching; every finished pass is committed
        }
    }

    /** One indexer pass over {@code scope}; false (and the problem reported) when it failed. */
    private boolean pass(List<Path> scope, boolean full, long firstEvent) {
        try {
            IndexReport r = indexer.run(index, scope);
            onBatch.accept(new Batch(scope, full, r, (System.nanoTime() - firstEvent) / 1e9));
            return true;
        } catch (IOException | RuntimeException e) {
            // e.g. a file deleted between the walk and its stat: the retry sees the folder as it is then
            onProblem.accept("pass over " + scope + " failed, retrying: " + e);
            return false;
        }
    }

    /**
     * The folders to pass over for a set of dirty ones: each replaced by its nearest existing
     * ancestor inside a root (a dirty folder may be gone by now), nested ones dropped.
     */
    List<Path> scopes(Set<Path> dirty) {
        List<Path> out = new ArrayList<>();
        for (Path d : dirty) {
            Path p = d;
            while (p != null && !Files.isDirectory(p) && roots.stream().noneMatch(p::equals)) {
                p = p.getParent();
            }
            Path s = p;
            if (s == null || roots.stream().noneMatch(s::startsWith)) {
                s = roots.stream().filter(d::startsWith).findFirst().orElse(roots.get(0));
            }
            out.add(s);
        }
        List<Path> kept = new ArrayList<>();
        for (Path s : out) {
            if (out.stream().noneMatch(o -> !o.equals(s) && s.startsWith(o)) && !kept.contains(s)) {
                kept.add(s);
            }
        }
        return kept;
    }

    private void register(Path dir) throws IOException {
        Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (d.startsWith(indexDir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                keys.put(d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY), d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // gone already, a link loop or unreadable: the pass reports what matters
            }
        });
    }

    /** Number of folders being watched. */
    public int watchedFolders() {
        return keys.size();
    }

    /** Stops {@link #run()} (from another thread); the index stays open. */
    @Override
    public void close() throws IOException {
        closed = true;
        watcher.close();
    }
}
