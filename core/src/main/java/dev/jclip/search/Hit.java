package dev.jclip.search;

/**
 * A search result: the indexed entry (an image or a text) and its score: the cosine similarity
 * to the query for vector and hybrid ranking (hybrid orders by the fusion, and shows the cosine),
 * the BM25 score for BM25 ranking.
 */
public record Hit(IndexEntry entry, float score) {
}
