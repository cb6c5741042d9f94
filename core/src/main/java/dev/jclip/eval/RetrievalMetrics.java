package dev.jclip.eval;

import java.util.Arrays;

/**
 * Image↔text retrieval scores from a similarity matrix, where each image may have several
 * captions. Image→text: a query image counts as found at rank r when the best-ranked of its own
 * captions is the r-th caption returned. Text→image: each caption queries for its one image.
 *
 * <p>Ranks are 1-based. Ties are ordered by lower index first (a stable descending sort), so
 * equal scores neither always help nor always hurt and the result never depends on sort
 * implementation details.
 *
 * @param imageToText one entry per image (the query)
 * @param textToImage one entry per caption (the query)
 */
public record RetrievalMetrics(Direction imageToText, Direction textToImage) {
    /** The recall cut-offs reported. */
    public static final int[] KS = {1, 5, 10};

    /**
     * The scores of one query direction.
     *
     * @param ranks      the 1-based rank of the first correct item, per query
     * @param meanRank   mean of {@code ranks}
     * @param medianRank median of {@code ranks} (mean of the two middle values for an even count)
     */
    public record Direction(int[] ranks, double meanRank, double medianRank) {
        /** Fraction of queries whose first correct item is within the best {@code k}. */
        public double recallAt(int k) {
            long hit = Arrays.stream(ranks).filter(r -> r <= k).count();
            return (double) hit / ranks.length;
        }

        static Direction of(int[] ranks) {
            int[] sorted = ranks.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
            return new Direction(ranks, Arrays.stream(ranks).average().orElse(Double.NaN), median);
        }
    }

    /**
     * Scores of a similarity matrix.
     *
     * @param similarity [images][captions] similarity (cosine, or any score where higher is better)
     * @param imageOfCaption for each caption, the index of its image
     */
    public static RetrievalMetrics of(float[][] similarity, int[] imageOfCaption) {
        int images = similarity.length;
        if (images == 0 || imageOfCaption.length == 0) {
            throw new IllegalArgumentException("retrieval needs at least one image and one caption");
        }
        int texts = imageOfCaption.length;
        for (float[] row : similarity) {
            if (row.length != texts) {
                throw new IllegalArgumentException("similarity rows have " + row.length + " columns but there are " + texts + " captions");
            }
        }
        boolean[] hasCaption = new boolean[images];
        for (int t = 0; t < texts; t++) {
            if (imageOfCaption[t] < 0 || imageOfCaption[t] >= images) {
                throw new IllegalArgumentException("caption " + t + " belongs to image " + imageOfCaption[t] + " of " + images);
            }
            hasCaption[imageOfCaption[t]] = true;
        }
        for (int i = 0; i < images; i++) {
            if (!hasCaption[i]) {
                throw new IllegalArgumentException("image " + i + " has no caption");
            }
        }
        int[] i2t = new int[images];
        for (int i = 0; i < images; i++) {
            float[] row = similarity[i];
            // The correct caption that a stable descending sort would list first.
            int best = -1;
            for (int t = 0; t < texts; t++) {
                if (imageOfCaption[t] == i && (best < 0 || row[t] > row[best])) {
                    best = t;
                }
            }
            i2t[i] = 1 + ahead(row, best);
        }
        int[] t2i = new int[texts];
        float[] column = new float[images];
        for (int t = 0; t < texts; t++) {
            for (int i = 0; i < images; i++) {
                column[i] = similarity[i][t];
            }
            t2i[t] = 1 + ahead(column, imageOfCaption[t]);
        }
        return new RetrievalMetrics(Direction.of(i2t), Direction.of(t2i));
    }

    /** How many entries a stable descending sort places before entry {@code j}. */
    private static int ahead(float[] scores, int j) {
        int n = 0;
        for (int k = 0; k < scores.length; k++) {
            if (scores[k] > scores[j] || scores[k] == scores[j] && k < j) {
                n++;
            }
        }
        return n;
    }
}
