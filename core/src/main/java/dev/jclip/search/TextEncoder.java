package dev.jclip.search;

import dev.jclip.Clip;

import java.util.List;

/** The text side of a model as the indexer needs it: the context length, token counts and a batch encoder. */
public interface TextEncoder {
    /** Tokens the model reads, start and end markers included; longer texts are truncated. */
    int contextLength();

    /** Tokens of {@code text} with its start and end markers, before truncation. */
    int tokens(String text);

    /** Embeddings (any scale) of texts, each truncated to the context length. */
    float[][] encode(List<String> texts);

    static TextEncoder of(Clip clip) {
        return new TextEncoder() {
            @Override
            public int contextLength() {
                return clip.config().contextLength();
            }

            @Override
            public int tokens(String text) {
                return clip.tokenizer().encodeWithMarkers(text).length;
            }

            @Override
            public float[][] encode(List<String> texts) {
                return clip.encodeTexts(texts);
            }
        };
    }
}
