package dev.jclip.model;

/**
 * Which encoders of a model to load. A one-shot text query needs only the text tower and an
 * image query only the image tower: loading one reads, copies and prepares roughly half the
 * weights. The tower left out keeps its (uninitialized, untouched) shapes and refuses to run.
 */
public enum TowerSelection {
    BOTH, IMAGE, TEXT;

    /** Whether a state-dict key in reference naming belongs to what this loads. */
    public boolean includes(String key) {
        return switch (this) {
            case BOTH -> true;
            case IMAGE -> !isText(key);
            case TEXT -> !key.startsWith("visual.");
        };
    }

    public boolean hasImage() {
        return this != TEXT;
    }

    public boolean hasText() {
        return this != IMAGE;
    }

    /** The text side's keys: CLIP's own transformer or a sentence-encoder tower, and their projection. */
    private static boolean isText(String key) {
        return key.startsWith("transformer.") || key.startsWith("token_embedding.") || key.startsWith("ln_final.")
                || key.startsWith("text_encoder.") || key.equals("positional_embedding") || key.equals("text_projection");
    }

    /** The towers a mix of text and image inputs needs. */
    public static TowerSelection forInputs(boolean texts, boolean images) {
        if (texts && images) {
            return BOTH;
        }
        return texts ? TEXT : images ? IMAGE : BOTH;
    }
}
