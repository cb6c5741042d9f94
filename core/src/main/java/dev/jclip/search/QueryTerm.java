package dev.jclip.search;

/**
 * One part of a query: a text, an image file, an image URL or an indexed image (by id), with a
 * signed weight.
 *
 * @param value the text, the image path, the URL, or the id in decimal
 */
public record QueryTerm(Kind kind, String value, double weight) {
    public enum Kind { TEXT, IMAGE, INDEXED, URL }

    public QueryTerm {
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("weight " + weight);
        }
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty query term");
        }
    }
}
