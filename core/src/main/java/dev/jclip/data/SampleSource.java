package dev.jclip.data;

import java.util.Iterator;
import java.util.List;

/**
 * A dataset read as a sequence of samples per epoch, in an order that depends only on the seed,
 * the epoch and the rank, so that any run can be reproduced and resumed.
 */
public interface SampleSource {
    /** The samples of one epoch (this rank's share) after skipping the first {@code skip}. */
    Iterator<Sample> samples(long epoch, long skip);

    /** Samples per epoch for this rank, or -1 when unknown before reading (streamed shards). */
    long size();

    /** Class names by index, or empty when the source has captions only. */
    List<String> classNames();

    /** Inputs this source left out so far (broken shard members, groups without an image). */
    default List<Skipped> skippedItems() {
        return List.of();
    }
}
