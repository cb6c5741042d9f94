package dev.jclip.search;

import java.util.List;

/**
 * What one indexing run did. {@code embedded = added + updated}; {@code unchanged} counts files
 * (good or known-bad) whose size and modification time matched the index; {@code bad} lists the
 * files that failed in this run; {@code knownBad} counts unchanged files that failed earlier.
 * {@code captions} and {@code texts} count the caption and collection texts embedded,
 * {@code truncated} those of them longer than the model's context (embedded truncated), and
 * {@code captionErrors} the caption files that could not be read (their images were indexed
 * without captions and are retried when the file changes).
 */
public record IndexReport(int scanned, int unchanged, int added, int updated, int removed, int knownBad,
                          List<BadFile> bad, int commits, double seconds, double embedSeconds,
                          int captions, int texts, int truncated, List<BadFile> captionErrors) {
    public IndexReport {
        bad = List.copyOf(bad);
        captionErrors = List.copyOf(captionErrors);
    }

    public int embedded() {
        return added + updated;
    }

    /** Images embedded per second of the embedding phase (decode + encode + write), 0 when none. */
    public double imagesPerSecond() {
        return embedSeconds > 0 ? embedded() / embedSeconds : 0;
    }
}
