package dev.jclip.model;

import java.util.List;

/**
 * The text side of a {@link ClipModel}: texts in, embeddings in the shared space out. Either CLIP's
 * own causal transformer ({@link ClipTextTower}) or a locked pretrained sentence encoder behind a
 * trainable linear projection ({@link SentenceEncoderTower}). Saved models record which one they
 * need ({@link ModelFiles#TEXT_TOWER_KEY}).
 */
public interface TextTower {
    /** "clip" for CLIP's own transformer, else the sentence encoder's name (e.g. "minilm"). */
    String kind();

    /**
     * The rows a training batch carries for these texts, deduplicated per batch: BPE token ids for
     * CLIP's transformer; for a locked encoder the index of each text's cached feature vector.
     */
    List<long[]> rows(List<String> texts);

    /** Unnormalized embeddings [N][embed_dim] in the shared space, without autograd. */
    float[][] encode(List<String> texts);
}
