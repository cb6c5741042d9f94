package dev.jclip.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * An {@link IndexedDataset} as a {@link SampleSource}: a fresh permutation per epoch (from the seed
 * and the epoch; none when shuffle is off), then every world-th index from position rank, so the
 * ranks of a distributed run read disjoint shares of equal length.
 */
public final class ShuffledSource implements SampleSource {
    private final IndexedDataset data;
    private final long seed;
    private final boolean shuffle;
    private final int rank, world;

    public ShuffledSource(IndexedDataset data, long seed, boolean shuffle, int rank, int world) {
        if (world < 1 || rank < 0 || rank >= world) {
            throw new IllegalArgumentException("rank " + rank + " of world " + world);
        }
        this.data = data;
        this.seed = seed;
        this.shuffle = shuffle;
        this.rank = rank;
        this.world = world;
    }

    public static ShuffledSource of(IndexedDataset data, long seed) {
        return new ShuffledSource(data, seed, true, 0, 1);
    }

    /** The dataset order of an epoch. */
    int[] permutation(long epoch) {
        int n = data.size();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        if (shuffle) {
            SplittableRandom r = new SplittableRandom(Seeds.mix(seed, epoch, 0x5EED));
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
        }
        return p;
    }

    @Override
    public Iterator<Sample> samples(long epoch, long skip) {
        int[] perm = permutation(epoch);
        long per = size();
        return new Iterator<>() {
            long k = skip;

            @Override
            public boolean hasNext() {
                return k < per;
            }

            @Override
            public Sample next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int idx = perm[(int) (k++ * world + rank)];
                try {
                    return data.get(idx);
                } catch (IOException e) {
                    throw new UncheckedIOException(data.describe(idx) + ": " + e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public long size() {
        return data.size() / world; // equal shares: the remainder is dropped, as DistributedSampler(drop_last)
    }

    @Override
    public List<String> classNames() {
        return data.classNames();
    }
}
