package dev.jclip.search;

/** A file that was skipped while indexing, with the reason (as the decoder reported it). */
public record BadFile(String path, String reason) {
}
