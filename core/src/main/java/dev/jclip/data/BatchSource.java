package dev.jclip.data;

import java.util.Iterator;

/**
 * Batches for training, deterministic given the seed and the epoch, so that a resumed run sees
 * exactly the batches an uninterrupted one would.
 */
public interface BatchSource extends AutoCloseable {
    /**
     * The batches of one epoch, starting after its first {@code skipSamples} samples (a batch's
     * {@link Batch#position()}), which are not decoded again.
     */
    Iterator<Batch> epoch(long epoch, long skipSamples);

    /** Batches per epoch, or -1 when unknown before reading. */
    long batchesPerEpoch();

    /** Samples skipped so far because they could not be read or decoded. */
    long skippedSamples();

    @Override
    default void close() {
    }

    /** The inputs behind {@link #skippedSamples()}, each once, with the reason. */
    default java.util.List<Skipped> skippedItems() {
        return java.util.List.of();
    }
}
