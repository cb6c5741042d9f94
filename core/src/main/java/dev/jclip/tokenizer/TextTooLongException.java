package dev.jclip.tokenizer;

/** A text whose tokens (with start and end) do not fit the context length, when truncation is off. */
public final class TextTooLongException extends IllegalArgumentException {
    private final int tokens;
    private final int contextLength;

    public TextTooLongException(String text, int tokens, int contextLength) {
        super("text of " + tokens + " tokens does not fit the context length " + contextLength
                + " (use truncation to cut it): \"" + abbreviate(text) + "\"");
        this.tokens = tokens;
        this.contextLength = contextLength;
    }

    private static String abbreviate(String t) {
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }

    public int tokens() {
        return tokens;
    }

    public int contextLength() {
        return contextLength;
    }
}
