package dev.jclip.search;

/** A search result: the indexed image and its cosine similarity to the query. */
public record Hit(IndexEntry entry, float score) {
}
