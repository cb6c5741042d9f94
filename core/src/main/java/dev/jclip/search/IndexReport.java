package dev.jclip.search;

import java.util.List;

/**
 * What one indexing run did. {@code embedded = added + updated}; {@code unchanged} counts files
 * (good or known-bad) whose size and modification time matched the index; {@code bad} lists the
 * files that failed in this run; {@code knownBad} counts unchanged files that failed earlier.
 */
public record IndexReport(int scanned, int unchanged, int added, int updated, int removed, int knownBad,
                          List<BadFile> bad, int commits, double seconds, double embedSeconds) {
    public int embedded() {
        return added + updated;
    }

    /** Images embedded per second of the embedding phase (decode + encode + write), 0 when none. */
    public double imagesPerSecond() {
        return embedSeconds > 0 ? embedded() / embedSeconds : 0;
    }
}
