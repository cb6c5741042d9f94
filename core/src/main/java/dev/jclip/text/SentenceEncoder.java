package dev.jclip.text;

import java.util.List;

/**
 * A frozen text encoder: texts to fixed-size feature vectors. Implementations are deterministic
 * (the same text always gives the same vector), which is what lets features be cached on disk.
 */
public interface SentenceEncoder extends AutoCloseable {
    /** A stable identity of the weights and the preprocessing (the disk cache is keyed by it). */
    String id();

    /** Feature size. */
    int dim();

    /** One feature row per text. */
    float[][] encode(List<String> texts);

    @Override
    void close();
}
