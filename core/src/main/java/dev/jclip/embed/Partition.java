package dev.jclip.embed;

import java.io.Serializable;

/**
 * One unit of output: an input shard, or a fixed range of a random-access dataset.
 *
 * @param index position in the plan (0-based); names the output files
 * @param shard the shard file for WebDataset input, else null
 * @param from  first sample index of a range (random-access datasets), else 0
 * @param to    end (exclusive) of the range, else 0
 */
public record Partition(int index, String shard, int from, int to) implements Serializable {
    /** The stem of this partition's output files, {@code part-00000}. */
    public String name() {
        return EmbeddingLayout.partName(index);
    }

    /** What the partition reads, for reports. */
    public String input() {
        return shard != null ? shard : "samples [" + from + ", " + to + ")";
    }
}
