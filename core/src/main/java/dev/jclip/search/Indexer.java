package dev.jclip.search;

import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.DecodedImage;
import dev.jclip.image.ImageDecoder;
import dev.jclip.tensor.HostTensor;
import dev.jclip.util.FileTrees;
import dev.jclip.util.ProgressBar;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Brings an {@link ImageIndex} up to date with folders of images: walks them, embeds files that
 * are new or whose size or modification time changed, removes entries of files that are gone, and
 * records undecodable files so they are skipped (and counted) until they change. Decoding and
 * preprocessing run on worker threads ahead of the encoder, so the encoder never waits for a
 * batch while there is work left; the index is committed every {@code commitEvery} images, so a
 * killed run loses at most that many.
 */
public final class Indexer {
    /** Extensions of the formats {@link ImageDecoder} reads. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "jpe", "jfif", "png", "gif", "bmp", "dib", "webp");

    private final ImageEncoder encoder;
    private int batchSize = 32;
    private int commitEvery = 256;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private PrintStream progress = null;
    private CaptionSource captions = null;
    private TextEncoder textEncoder = null;
    private List<Path> collections = List.of();
    private String textColumn = "text";

    public Indexer(ImageEncoder encoder) {
        this.encoder = encoder;
    }

    public Indexer batchSize(int n) {
        this.batchSize = Math.max(1, n);
        return this;
    }

    /** Commit after this many embedded images (default 256). */
    public Indexer commitEvery(int n) {
        this.commitEvery = Math.max(1, n);
        return this;
    }

    /** Decode/preprocess threads (default: the number of cores). */
    public Indexer threads(int n) {
        this.threads = Math.max(1, n);
        return this;
    }

    /**
     * Stores each image's captions from {@code source} and embeds them with {@code texts} as
     * text entries; an image whose captions changed is embedded again.
     */
    public Indexer captions(CaptionSource source, TextEncoder texts) {
        this.captions = source;
        this.textEncoder = texts;
        return this;
    }

    /**
     * Also indexes text collections (one text per line, or the CSV column {@code column}) as
     * text entries of their own, embedded with {@code texts}; an unchanged file is skipped.
     */
    public Indexer texts(List<Path> files, String column, TextEncoder texts) {
        this.collections = List.copyOf(files);
        this.textColumn = column;
        this.textEncoder = texts;
        return this;
    }

    /** Where to draw the progress bar (null: none). */
    public Indexer progress(PrintStream out) {
        this.progress = out;
        return this;
    }

    /** Image files under {@code roots} (files given directly are taken whatever their extension), sorted. */
    public static List<Path> imageFiles(List<Path> roots) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            Path r = root.toAbsolutePath().normalize();
            if (Files.isRegularFile(r)) {
                out.add(r);
            } else if (Files.isDirectory(r)) {
                out.addAll(FileTrees.regularFiles(r, Indexer::isImageName));
            } else {
                throw new IOException("no such file or folder: " + root);
            }
        }
        return out.stream().distinct().toList();
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private record Todo(Path file, long size, long mtime, boolean replacing, List<String> captions, String captionKey) {
    }

    private record Prepared(Todo todo, int width, int height, float[] pixels, String error) {
    }

    /** Updates {@code index} from the images under {@code roots}. */
    public IndexReport run(ImageIndex index, List<Path> roots) throws IOException {
        long t0 = System.nanoTime();
        List<Path> files = imageFiles(roots);
        Map<String, IndexEntry> known = index.entries();
        List<Todo> todo = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int unchanged = 0, knownBad = 0;
        List<BadFile> captionErrors = new ArrayList<>();
        for (Path f : files) {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            String key = f.toString();
            seen.add(key);
            IndexEntry e = known.get(key);
            long mtime = a.lastModifiedTime().toMillis();
            List<String> caps = List.of();
            String capKey = null;
            if (captions != null) {
                try {
                    caps = captions.captionsFor(f);
                    capKey = ImageIndex.captionKey(caps);
                } catch (IOException ex) {
                    // nothing is lost: the image keeps the captions it had (a new image gets none),
                    // and its key is kept, so the file is read again on the next run
                    captionErrors.add(new BadFile(key, ex.getMessage()));
                    caps = e != null ? e.captions() : List.of();
                    capKey = e != null ? Objects.requireNonNullElse(index.captionKeyOf(key), "") : "unreadable";
                }
            }
            boolean sameCaptions = capKey == null || e == null || e.isBad()
                    || capKey.equals(Objects.requireNonNullElse(index.captionKeyOf(key), ""));
            if (e != null && e.unchanged(a.size(), mtime) && sameCaptions) {
                unchanged++;
                knownBad += e.isBad() ? 1 : 0;
            } else {
                todo.add(new Todo(f, a.size(), mtime, e != null, caps, capKey));
            }
        }
        int removed = 0;
        for (String p : known.keySet()) {
            if (!seen.contains(p) && underAny(p, roots)) {
                index.remove(p);
                removed++;
            }
        }
        int[] counts = new int[6]; // added, updated, commits, captions, texts, truncated
        List<BadFile> bad = new ArrayList<>();
        long e0 = System.nanoTime();
        if (!todo.isEmpty()) {
            embed(index, todo, counts, bad);
        }
        double embedSeconds = (System.nanoTime() - e0) / 1e9;
        index.commit();
        counts[2]++;
        for (Path c : collections) {
            indexCollection(index, c, counts);
        }
        return new IndexReport(files.size(), unchanged, counts[0], counts[1], removed, knownBad, bad, counts[2],
                (System.nanoTime() - t0) / 1e9, embedSeconds, counts[3], counts[4], counts[5], captionErrors);
    }

    /** Embeds a text collection unless the index has it at the same size and time; one commit per file. */
    private void indexCollection(ImageIndex index, Path file, int[] counts) throws IOException {
        Path f = file.toAbsolutePath().normalize();
        TextCollection c = TextCollection.read(f, textColumn);
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        long[] had = index.textSources().get(f.toString());
        if (had != null && had[0] == a.size() && had[1] == a.lastModifiedTime().toMillis()) {
            return;
        }
        float[][] v = new float[c.texts().size()][];
        for (int i = 0; i < v.length; i += batchSize) {
            List<String> chunk = c.texts().subList(i, Math.min(v.length, i + batchSize));
            System.arraycopy(encodeTexts(chunk, counts), 0, v, i, chunk.size());
        }
        index.putTexts(f.toString(), a.size(), a.lastModifiedTime().toMillis(), c.texts(), c.lines(), v);
        counts[4] += v.length;
        index.commit();
        counts[2]++;
    }

    /** Embeds texts, counting those over the model's context (the encoder truncates them). */
    private float[][] encodeTexts(List<String> texts, int[] counts) {
        for (String t : texts) {
            if (textEncoder.tokens(t) > textEncoder.contextLength()) {
                counts[5]++;
            }
        }
        return textEncoder.encode(texts);
    }

    private static boolean underAny(String path, List<Path> roots) {
        for (Path r : roots) {
            String root = r.toAbsolutePath().normalize().toString();
            if (path.equals(root) || path.startsWith(root.endsWith("/") ? root : root + "/")) {
                return true;
            }
        }
        return false;
    }

    private void embed(ImageIndex index, List<Todo> todo, int[] counts, List<BadFile> bad) throws IOException {
        ClipPreprocessor pre = ClipPreprocessor.of(encoder.resolution());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "index-decode");
            t.setDaemon(true);
            return t;
        });
        // Lucene's HNSW insertion runs on its own thread: done inline it cost as much as decoding
        // for small models and left the encoder idle meanwhile. One thread keeps the order of adds
        // and commits, so a killed run still loses at most what came after the last commit.
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "index-write");
            t.setDaemon(true);
            return t;
        });
        ProgressBar bar = progress == null ? ProgressBar.silent("index", todo.size(), "images")
                : new ProgressBar("index", todo.size(), "images", progress);
        int window = 2 * batchSize + 2 * threads;
        Deque<Future<Prepared>> ahead = new ArrayDeque<>();
        Deque<Future<?>> writes = new ArrayDeque<>();
        int next = 0;
        int[] sinceCommit = {0};
        List<Prepared> batch = new ArrayList<>();
        try {
            while (next < todo.size() || !ahead.isEmpty() || !batch.isEmpty()) {
                while (next < todo.size() && ahead.size() < window) {
                    Todo t = todo.get(next++);
                    ahead.add(pool.submit(() -> prepare(pre, t)));
                }
                if (!ahead.isEmpty()) {
                    Prepared p = take(ahead.poll());
                    if (p.error != null) {
                        bad.add(new BadFile(p.todo.file.toString(), p.error));
                        writes.add(writer.submit(() -> {
                            index.addBad(p.todo.file.toString(), p.todo.size, p.todo.mtime, p.error);
                            return null;
                        }));
                        bar.add(1);
                        continue;
                    }
                    batch.add(p);
                }
                if (batch.size() == batchSize || (ahead.isEmpty() && next == todo.size() && !batch.isEmpty())) {
                    float[][] v = encoder.encode(stack(batch, pre.size()));
                    float[][][] cv = captionVectors(batch, counts);
                    List<Prepared> done = List.copyOf(batch);
                    batch.clear();
                    writes.add(writer.submit(() -> {
                        for (int i = 0; i < done.size(); i++) {
                            Prepared p = done.get(i);
                            index.add(p.todo.file.toString(), p.todo.size, p.todo.mtime, p.width, p.height, v[i],
                                    p.todo.captions, cv[i], p.todo.captionKey);
                            counts[p.todo.replacing ? 1 : 0]++;
                            counts[3] += p.todo.captions.size();
                        }
                        sinceCommit[0] += done.size();
                        if (sinceCommit[0] >= commitEvery) {
                            index.commit();
                            counts[2]++;
                            sinceCommit[0] = 0;
                        }
                        return null;
                    }));
                    bar.add(done.size());
                    // at most two batches waiting to be written: bounded memory, and errors surface soon
                    while (writes.size() > 2) {
                        take(writes.poll());
                    }
                }
            }
            while (!writes.isEmpty()) {
                take(writes.poll());
            }
        } finally {
            pool.shutdownNow();
            writer.shutdown();
            try {
                writer.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bar.finish();
        }
    }

    /** The caption embeddings of each image of the batch, all captions in one encoder call. */
    private float[][][] captionVectors(List<Prepared> batch, int[] counts) {
        float[][][] out = new float[batch.size()][][];
        List<String> all = new ArrayList<>();
        for (Prepared p : batch) {
            all.addAll(p.todo.captions);
        }
        float[][] v = all.isEmpty() ? new float[0][] : encodeTexts(all, counts);
        int at = 0;
        for (int i = 0; i < out.length; i++) {
            int n = batch.get(i).todo.captions.size();
            out[i] = java.util.Arrays.copyOfRange(v, at, at + n);
            at += n;
        }
        return out;
    }

    private static Prepared prepare(ClipPreprocessor pre, Todo t) {
        try {
            PixelLimit.check(t.file);
            DecodedImage img = ImageDecoder.decode(t.file);
            return new Prepared(t, img.width(), img.height(), pre.preprocess(img), null);
        } catch (IOException e) {
            return new Prepared(t, 0, 0, null, e.getMessage());
        } catch (RuntimeException e) {
            return new Prepared(t, 0, 0, null, e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : ""));
        }
    }

    private static <T> T take(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static HostTensor stack(List<Prepared> batch, int size) {
        int per = 3 * size * size;
        float[] all = new float[batch.size() * per];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.get(i).pixels, 0, all, i * per, per);
        }
        return HostTensor.ofFloats(all, batch.size(), 3, size, size);
    }
}
