package dev.jclip.embed;

import java.io.Serializable;
import java.util.List;

/**
 * What one partition produced: the content of its {@code _SUCCESS} marker.
 *
 * @param partition  the partition's file stem ({@code part-00000})
 * @param input      the shard or sample range it read
 * @param rows       samples embedded (rows of its files)
 * @param skipped    samples that could not be read or decoded
 * @param texts      rows with a text embedding
 * @param errors     the first few reasons for skipping
 * @param shardError why the shard was abandoned part-way (a corrupt shard), or null
 * @param seconds    wall time of the partition
 */
public record PartitionResult(String partition, String input, long rows, long skipped, long texts, List<String> errors,
                              String shardError, double seconds) implements Serializable {
    public PartitionResult {
        errors = List.copyOf(errors);
    }
}
