package dev.jclip.data;

import dev.jclip.tensor.HostTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Streams batches: samples are decoded and preprocessed on a pool of worker threads while the
 * order of the output stays that of the source, so batches are deterministic given the seed. A
 * sample that cannot be read or decoded is skipped and counted, never fatal. The last partial
 * batch of an epoch is dropped.
 */
public final class DataLoader implements BatchSource {
    private static final Logger LOG = Logger.getLogger(DataLoader.class.getName());

    private final SampleSource source;
    private final SampleTransform transform;
    private final int batchSize;
    private final int imageSize;
    private final long seed;
    private final ExecutorService pool;
    private final AtomicLong skipped = new AtomicLong();
    private final SkipLog skippedLog = new SkipLog();

    public DataLoader(SampleSource source, SampleTransform transform, int batchSize, int imageSize, int threads, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize);
        }
        this.source = source;
        this.transform = transform;
        this.batchSize = batchSize;
        this.imageSize = imageSize;
        this.seed = seed;
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "jclip-data");
            t.setDaemon(true);
            return t;
        });
    }

    private record Pending(Sample sample, Future<float[]> pixels, long position) {
    }

    @Override
    public Iterator<Batch> epoch(long epoch, long skipSamples) {
        Iterator<Sample> raw = source.samples(epoch, skipSamples);
        int window = batchSize * 2 + 8;
        return new Iterator<>() {
            final ArrayDeque<Pending> queue = new ArrayDeque<>();
            long position = skipSamples;
            Batch next;

            private void fill() {
                while (queue.size() < window) {
                    Sample s;
                    long pos = position++;
                    try {
                        if (!raw.hasNext()) {
                            position--;
                            return;
                        }
                        s = raw.next();
                    } catch (RuntimeException e) {
                        skip("sample " + pos + " of epoch " + epoch, e); // unread: no file name to give
                        queue.add(new Pending(null, null, pos));
                        continue;
                    }
                    SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch, pos, 0xA06));
                    Sample fs = s;
                    queue.add(new Pending(s, pool.submit(() -> transform.apply(fs.image(), rng)), pos));
                }
            }

            private Batch assemble() {
                int per = 3 * imageSize * imageSize;
                ByteBuffer buf = ByteBuffer.allocate(batchSize * per * 4).order(ByteOrder.LITTLE_ENDIAN);
                List<String> captions = new ArrayList<>(batchSize);
                int[] labels = new int[batchSize];
                long last = position;
                while (captions.size() < batchSize) {
                    fill();
                    Pending p = queue.poll();
                    if (p == null) {
                        return null;
                    }
                    last = p.position;
                    if (p.sample == null) {
                        continue;
                    }
                    float[] px;
                    try {
                        px = p.pixels.get();
                    } catch (ExecutionException e) {
                        skip(p.sample, e.getCause());
                        continue;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while loading data", e);
                    }
                    if (px.length != per) {
                        skip(p.sample, new IllegalStateException("transform produced " + px.length + " values, expected " + per));
                        continue;
                    }
                    if (p.sample.caption() == null) {
                        skip(p.sample, new IllegalStateException("no caption (and no template captioner)"));
                        continue;
                    }
                    buf.asFloatBuffer().position(captions.size() * per).put(px);
                    labels[captions.size()] = p.sample.label();
                    captions.add(p.sample.caption());
                }
                return new Batch(new HostTensor(dev.jclip.tensor.DType.F32,
                        new long[]{batchSize, 3, imageSize, imageSize}, buf), captions, labels, last + 1);
            }

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = assemble();
                }
                return next != null;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Batch b = next;
                next = null;
                return b;
            }
        };
    }

    private void skip(Sample s, Throwable why) {
        skip(s.image() != null ? s.image().name() : s.key(), why);
    }

    private void skip(String what, Throwable why) {
        skippedLog.add(what, why instanceof dev.jclip.image.ImageDecodeException d ? d.reason()
                : why.getMessage() != null ? why.getMessage() : why.toString());
        long n = skipped.incrementAndGet();
        if (n <= 10) {
            LOG.warning("skipping " + what + ": " + why);
        } else if (n == 11) {
            LOG.warning("more samples skipped; see the 'skipped' metric and the run's skipped list");
        }
    }

    @Override
    public long batchesPerEpoch() {
        long n = source.size();
        return n < 0 ? -1 : n / batchSize;
    }

    @Override
    public long skippedSamples() {
        return skipped.get();
    }

    @Override
    public List<Skipped> skippedItems() {
        SkipLog all = new SkipLog();
        all.addAll(source.skippedItems());
        all.addAll(skippedLog.entries());
        return all.entries();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
