package dev.jclip.embed;

import dev.jclip.Clip;
import dev.jclip.data.ImageTransforms;
import dev.jclip.image.DecodedImage;
import dev.jclip.model.ClipModel;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Embeds one partition ({@link #embed}) and writes its files ({@link #commit}), or both in one call
 * ({@link #run}). Images are decoded and preprocessed on the given pool, a few batches ahead of the
 * encoder, in the partition's order; a sample that cannot be read or decoded is skipped and
 * counted. Both engines run exactly this code, so they write the same rows, in the same batches,
 * with the same vectors.
 */
public final class PartitionEmbedder {
    private final Clip clip;
    private final EmbedJob job;
    private final ExecutorService pool;

    public PartitionEmbedder(Clip clip, EmbedJob job, ExecutorService decodePool) {
        this.clip = clip;
        this.job = job;
        this.pool = decodePool;
    }

    /** A pool of {@code threads} daemon threads for the {@code decodePool} argument (both engines use it). */
    public static ExecutorService decodePool(int threads) {
        return daemonPool(threads, "jclip-embed-decode");
    }

    static ExecutorService daemonPool(int threads, String name) {
        return java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private record Decoded(int width, int height, float[] pixels) {
    }

    private record Pending(Partitions.Item item, Future<Decoded> pixels) {
    }

    /**
     * Embeds {@code p} ({@code progress} hears the samples done as it goes), runs
     * {@code beforeCommit} once every file is written to its temporary name (a seam for
     * fault-injection tests), then renames the files into place and writes the marker.
     */
    public PartitionResult run(Partition p, LongConsumer progress, Runnable beforeCommit) throws IOException {
        return commit(embed(p, progress), beforeCommit);
    }

    /** A partition embedded in memory, not yet written. */
    public static final class Embedded {
        private final Partition partition;
        private final Output out;
        private final PartitionResult result;

        private Embedded(Partition partition, Output out, PartitionResult result) {
            this.partition = partition;
            this.out = out;
            this.result = result;
        }

        /** What the marker will say once committed. */
        public PartitionResult result() {
            return result;
        }
    }

    /** Reads, decodes and embeds {@code p}, keeping the rows in memory; {@link #commit} writes them. */
    public Embedded embed(Partition p, LongConsumer progress) throws IOException {
        long t0 = System.nanoTime();
        Output out = new Output(job.texts());
        Partitions.Reader reader = Partitions.open(job, p);
        // the shard is read (tar, gzip) on a thread of its own, a few batches ahead: on the
        // encoding thread it cost 2 of 33 s for 50,000 CIFAR-10 images with a 64 px encoder
        Feeder feeder = new Feeder(reader, job.batchSize() * 3, p.name());
        feeder.start();
        try {
            // one batch per call, so that the JIT compiles a small loop, not this whole partition
            while (nextBatch(feeder, out, progress)) {
                // more to come
            }
            feeder.finish();
        } finally {
            feeder.interrupt(); // a no-op once it has ended; else it stops reading for a failed run
        }
        long skipped = out.skipped + reader.unreadable();
        List<String> allErrors = new ArrayList<>(reader.errors());
        allErrors.addAll(out.errors);
        if (allErrors.size() > EmbeddingLayout.MAX_ERRORS) {
            allErrors = allErrors.subList(0, EmbeddingLayout.MAX_ERRORS);
        }
        PartitionResult result = new PartitionResult(p.name(), p.input(), out.rows.size(), skipped, out.withText, allErrors,
                reader.shardError(), (System.nanoTime() - t0) / 1e9);
        return new Embedded(p, out, result);
    }

    /**
     * Writes an embedded partition's files under temporary names, runs {@code beforeCommit}, then
     * renames them into place and writes the marker last. Any thread may call it.
     */
    public PartitionResult commit(Embedded e, Runnable beforeCommit) throws IOException {
        write(e.partition, e.out.rows, e.out.images, e.out.texts, e.result, beforeCommit); // texts: null unless --texts
        return e.result;
    }

    /** What a partition has embedded so far. */
    private static final class Output {
        final List<MetadataRow> rows = new ArrayList<>();
        final List<float[]> images = new ArrayList<>();
        final List<float[]> texts;
        final List<String> errors = new ArrayList<>();
        long skipped, withText;

        Output(boolean texts) {
            this.texts = texts ? new ArrayList<>() : null;
        }
    }

    /** Takes up to a batch of decoded samples, embeds them into {@code out}; false once the partition has ended. */
    private boolean nextBatch(Feeder feeder, Output out, LongConsumer progress) throws IOException {
        int batch = job.batchSize();
        List<Partitions.Item> items = new ArrayList<>(batch);
        List<Decoded> pixels = new ArrayList<>(batch);
        boolean more = true;
        while (items.size() < batch) {
            Pending head = feeder.take();
            if (head == null) {
                more = false;
                break;
            }
            try {
                pixels.add(head.pixels.get());
                items.add(head.item);
            } catch (ExecutionException e) {
                out.skipped++;
                if (out.errors.size() < EmbeddingLayout.MAX_ERRORS) {
                    out.errors.add(head.item.sample().key() + ": " + e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while embedding", e);
            }
        }
        if (items.isEmpty()) {
            return more;
        }
        out.images.addAll(encodeImages(pixels));
        List<String> captions = new ArrayList<>();
        for (Partitions.Item it : items) {
            if (it.sample().caption() != null) {
                captions.add(it.sample().caption());
            }
        }
        float[][] tv = job.texts() && !captions.isEmpty() ? encodeTexts(captions) : new float[0][];
        int t = 0;
        for (int i = 0; i < items.size(); i++) {
            Partitions.Item it = items.get(i);
            Decoded d = pixels.get(i);
            out.rows.add(new MetadataRow(it.sample().key(), it.source(), it.member(), it.sample().caption(),
                    it.sample().label(), d.width(), d.height(), it.bytes()));
            if (out.texts != null) {
                out.texts.add(it.sample().caption() != null ? tv[t++] : new float[dim()]);
            }
        }
        out.withText += tv.length;
        progress.accept(items.size());
        return more;
    }

    /**
     * Reads the partition's samples in order and hands each to the decode pool; {@link #take}
     * returns them in that order, then null at the end. A failure of the reader itself (not of a
     * sample, which the reader counts) is rethrown on the taking thread.
     */
    private final class Feeder extends Thread {
        private static final Pending END = new Pending(null, null);
        private final Partitions.Reader reader;
        private final BlockingQueue<Pending> queue;
        private final String partition;
        private volatile Throwable failure;

        Feeder(Partitions.Reader reader, int window, String name) {
            super("jclip-embed-read-" + name);
            setDaemon(true);
            this.reader = reader;
            this.queue = new ArrayBlockingQueue<>(window);
            this.partition = name;
        }

        @Override
        public void run() {
            try {
                while (reader.hasNext()) {
                    Partitions.Item it = reader.next();
                    queue.put(new Pending(it, pool.submit(() -> decode(it))));
                }
            } catch (InterruptedException e) {
                return; // the taker gave up
            } catch (Throwable t) {
                failure = t;
            }
            try {
                queue.put(END);
            } catch (InterruptedException e) {
                // the taker gave up
            }
        }

        Pending take() throws IOException {
            try {
                Pending next = queue.take();
                if (next == END) {
                    if (failure != null) {
                        throw new IOException("reading " + partition + " failed", failure);
                    }
                    return null;
                }
                return next;
            } catch (InterruptedException e) {
                interrupt();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while embedding", e);
            }
        }

        /** Waits for the reader to end, so its counts are final. */
        void finish() throws IOException {
            try {
                join();
            } catch (InterruptedException e) {
                interrupt();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while embedding", e);
            }
        }
    }

    private Decoded decode(Partitions.Item it) throws Exception {
        DecodedImage img = ImageTransforms.decode(it.sample().image());
        return new Decoded(img.width(), img.height(), clip.preprocessor().preprocess(img));
    }

    private int dim() {
        return clip.config().embedDim();
    }

    private List<float[]> encodeImages(List<Decoded> px) {
        int r = clip.config().imageResolution(), per = 3 * r * r;
        float[] flat = new float[px.size() * per];
        for (int i = 0; i < px.size(); i++) {
            System.arraycopy(px.get(i).pixels(), 0, flat, i * per, per);
        }
        ClipModel m = clip.model();
        try (PointerScope scope = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensor t = Torch.toTorchFloat(HostTensor.ofFloats(flat, px.size(), 3, r, r));
            return Torch.rows(m.encodeImage(t));
        }
    }

    private float[][] encodeTexts(List<String> captions) {
        HostTensor tokens = clip.tokenizer().tokenizeTensor(captions, clip.config().contextLength(), true);
        try (PointerScope scope = new PointerScope(); InferenceMode im = new InferenceMode()) {
            return Torch.rows(clip.model().encodeText(Torch.toTorch(tokens))).toArray(new float[0][]);
        }
    }

    private void write(Partition p, List<MetadataRow> rows, List<float[]> images, List<float[]> texts,
                       PartitionResult result, Runnable beforeCommit) throws IOException {
        Path dir = job.outDir();
        String part = p.name();
        // a unique temporary name per attempt: a retried or speculative task never writes over
        // another attempt's half-written file, and the last rename wins with identical content
        String tag = "." + UUID.randomUUID() + ".tmp";
        Map<Path, Path> files = new HashMap<>();
        try {
            Path meta = dir.resolve("." + part + ".parquet" + tag);
            // sorted: Map.of's order changes from JVM to JVM, and the footer must not
            Map<String, String> kv = new java.util.TreeMap<>(Map.of("jclip.model", job.model(), "jclip.precision", job.precision(),
                    "jclip.skipped", Long.toString(result.skipped()), "jclip.dim", Integer.toString(dim()),
                    "jclip.input", p.input()));
            MetadataFile.write(meta, rows, kv);
            try (var ch = java.nio.channels.FileChannel.open(meta, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            files.put(meta, EmbeddingLayout.metadata(dir, part));
            Path img = dir.resolve("." + part + ".image.npy" + tag);
            writeForced(img, NpyMatrix.encode(images.toArray(new float[0][]), dim(), job.fp16()));
            files.put(img, EmbeddingLayout.images(dir, part));
            if (texts != null) {
                Path txt = dir.resolve("." + part + ".text.npy" + tag);
                writeForced(txt, NpyMatrix.encode(texts.toArray(new float[0][]), dim(), job.fp16()));
                files.put(txt, EmbeddingLayout.texts(dir, part));
            }
            beforeCommit.run();
            for (Map.Entry<Path, Path> e : files.entrySet()) {
                EmbeddingLayout.commit(e.getKey(), e.getValue());
            }
            EmbeddingLayout.writeMarker(dir, result);
        } finally {
            for (Path tmp : files.keySet()) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void writeForced(Path file, byte[] bytes) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }
}
