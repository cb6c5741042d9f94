package dev.jclip.data;

/**
 * One input that was left out because it could not be read or decoded.
 *
 * @param item   the file (or shard member, or sample) as the user would find it
 * @param reason why, in a few words (the decoder's or reader's message)
 */
public record Skipped(String item, String reason) {
    public Skipped {
        item = item == null ? "(unnamed)" : item;
        reason = reason == null ? "" : reason.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
