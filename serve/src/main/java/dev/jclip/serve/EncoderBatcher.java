package dev.jclip.serve;

import dev.jclip.Clip;
import dev.jclip.tensor.HostTensor;
import dev.jclip.zeroshot.Vectors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One warm model shared by all request threads: requests queue their texts and preprocessed
 * images, and a single encoder thread takes whatever is waiting (up to {@code maxBatch} items,
 * after waiting {@code waitMs} for company) and encodes it in one model call per modality. Under
 * load this turns many small forward passes into few large ones; alone, a request waits at most
 * {@code waitMs}. Decoding and preprocessing stay on the request threads, in parallel.
 */
public final class EncoderBatcher implements AutoCloseable {
    private record Job(String text, float[] pixels, CompletableFuture<float[]> result) {
    }

    private final Clip clip;
    private final int maxBatch;
    private final int waitMs;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private final AtomicLong batches = new AtomicLong(), items = new AtomicLong();
    private volatile boolean closed;

    public EncoderBatcher(Clip clip, int maxBatch, int waitMs) {
        this.clip = clip;
        this.maxBatch = Math.max(1, maxBatch);
        this.waitMs = Math.max(0, waitMs);
        this.worker = new Thread(this::loop, "encoder");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public Clip clip() {
        return clip;
    }

    /** Normalized embeddings of texts, in order. */
    public List<float[]> texts(List<String> texts) {
        List<CompletableFuture<float[]>> fs = new ArrayList<>();
        for (String t : texts) {
            fs.add(submit(new Job(t, null, new CompletableFuture<>())));
        }
        return join(fs);
    }

    /** Normalized embeddings of preprocessed images (each 3·R·R floats), in order. */
    public List<float[]> images(List<float[]> pixels) {
        List<CompletableFuture<float[]>> fs = new ArrayList<>();
        for (float[] p : pixels) {
            fs.add(submit(new Job(null, p, new CompletableFuture<>())));
        }
        return join(fs);
    }

    /** Mean items per model call so far (1.0 without concurrency or with batching off). */
    public double meanBatch() {
        long b = batches.get();
        return b == 0 ? 0 : items.get() / (double) b;
    }

    public long batches() {
        return batches.get();
    }

    private CompletableFuture<float[]> submit(Job j) {
        if (closed) {
            throw new IllegalStateException("encoder closed");
        }
        queue.add(j);
        return j.result;
    }

    private static List<float[]> join(List<CompletableFuture<float[]>> fs) {
        List<float[]> out = new ArrayList<>(fs.size());
        try {
            for (CompletableFuture<float[]> f : fs) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        return out;
    }

    private void loop() {
        List<Job> batch = new ArrayList<>();
        while (!closed) {
            try {
                Job first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Job j = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (j == null) {
                        break;
                    }
                    batch.add(j);
                }
                run(batch);
            } catch (InterruptedException e) {
                break;
            } finally {
                for (Job j : batch) {
                    j.result.completeExceptionally(new IllegalStateException("encoder stopped"));
                }
                batch.clear();
            }
        }
        Job j;
        while ((j = queue.poll()) != null) {
            j.result.completeExceptionally(new IllegalStateException("encoder closed"));
        }
    }

    private void run(List<Job> batch) {
        List<Job> texts = new ArrayList<>(), images = new ArrayList<>();
        for (Job j : batch) {
            (j.text != null ? texts : images).add(j);
        }
        try {
            if (!texts.isEmpty()) {
                List<String> in = new ArrayList<>(texts.stream().map(Job::text).toList());
                // pad to a power of two: libtorch sets up kernels per input shape, and a few batch
                // sizes are far cheaper to keep warm than every size from 1 to maxBatch
                while (Integer.bitCount(in.size()) != 1) {
                    in.add(in.get(in.size() - 1));
                }
                complete(texts, clip.encodeTexts(in));
            }
            if (!images.isEmpty()) {
                int r = clip.config().imageResolution(), per = 3 * r * r;
                float[] all = new float[images.size() * per];
                for (int i = 0; i < images.size(); i++) {
                    System.arraycopy(images.get(i).pixels, 0, all, i * per, per);
                }
                complete(images, clip.encodePixels(HostTensor.ofFloats(all, images.size(), 3, r, r)));
            }
        } catch (RuntimeException e) {
            batch.forEach(j -> j.result.completeExceptionally(e));
        }
    }

    private void complete(List<Job> jobs, float[][] v) {
        batches.incrementAndGet();
        items.addAndGet(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            jobs.get(i).result.complete(Vectors.normalized(v[i]));
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        worker.interrupt();
        worker.join(5000);
    }
}
