package dev.jclip.eval;

import dev.jclip.data.Skipped;

import java.util.Arrays;
import java.util.List;

/**
 * Embeddings of a set computed by a model, one row per item that could be read and decoded.
 *
 * @param vectors   [N][D] unnormalized embeddings
 * @param labels    class index of each row (-1 where the set has none)
 * @param positions position of each row in the set's iteration order (rows skip unreadable items)
 * @param skipped   items that could not be read or decoded, and why
 */
public record Features(float[][] vectors, int[] labels, int[] positions, List<Skipped> skipped) {
    public Features {
        skipped = List.copyOf(skipped);
        if (vectors.length != labels.length || vectors.length != positions.length) {
            throw new IllegalArgumentException(vectors.length + " vectors, " + labels.length + " labels, "
                    + positions.length + " positions");
        }
    }

    public int size() {
        return vectors.length;
    }

    /** The embedding width, or 0 for an empty set. */
    public int dim() {
        return vectors.length == 0 ? 0 : vectors[0].length;
    }

    /** The number of classes the labels imply (largest label + 1). */
    public int impliedClasses() {
        return Arrays.stream(labels).max().orElse(-1) + 1;
    }

    /**
     * The same rows with labels renumbered from {@code from} class names to {@code to} class names
     * (a test set whose classes are listed in another order than the training set's).
     *
     * @throws IllegalArgumentException when a labelled class of this set is not among {@code to}
     */
    public Features relabel(List<String> from, List<String> to) {
        if (from.equals(to)) {
            return this;
        }
        int[] map = new int[from.size()];
        for (int c = 0; c < from.size(); c++) {
            map[c] = to.indexOf(from.get(c));
        }
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= map.length || map[l] < 0) {
                throw new IllegalArgumentException("class " + (l >= 0 && l < from.size() ? "'" + from.get(l) + "'" : l)
                        + " is not among the classes " + to);
            }
            out[i] = map[l];
        }
        return new Features(vectors, out, positions, skipped);
    }
}
