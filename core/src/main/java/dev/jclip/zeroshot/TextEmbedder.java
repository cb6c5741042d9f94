package dev.jclip.zeroshot;

import java.util.List;

/** Turns texts into (unnormalized) embeddings, one row per text. */
@FunctionalInterface
public interface TextEmbedder {
    float[][] embed(List<String> texts);
}
