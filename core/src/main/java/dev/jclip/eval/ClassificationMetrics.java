package dev.jclip.eval;

import java.util.Arrays;

/**
 * Accuracy figures of a classifier on a labelled set: top-1, top-5, recall of each class, their
 * mean (the "mean per-class" accuracy the CLIP paper reports for unbalanced sets) and the
 * confusion matrix.
 *
 * <p>Ties are broken by the lower class index, as {@code argmax} does: with equal logits, the
 * first class wins. This makes results independent of sort stability.
 *
 * @param top1               fraction of samples whose highest-scoring class is the true one
 * @param top5               fraction whose true class is among the min(5, classes) best
 * @param meanPerClassRecall mean of {@code perClassRecall} over the classes that have samples
 * @param perClassRecall     per true class: correct / samples of that class; NaN for a class without samples
 * @param confusion          [true class][predicted class] counts
 * @param predictions        the top-1 class of each sample
 */
public record ClassificationMetrics(double top1, double top5, double meanPerClassRecall, double[] perClassRecall,
                                    long[][] confusion, int[] predictions) {

    /** Metrics of logits [N][C] against labels in [0, C). */
    public static ClassificationMetrics of(float[][] logits, int[] labels, int numClasses) {
        if (logits.length != labels.length) {
            throw new IllegalArgumentException(logits.length + " rows of logits but " + labels.length + " labels");
        }
        if (logits.length == 0) {
            throw new IllegalArgumentException("no samples to evaluate");
        }
        long[][] confusion = new long[numClasses][numClasses];
        int[] predictions = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            if (logits[i].length != numClasses) {
                throw new IllegalArgumentException("row " + i + " has " + logits[i].length + " logits, expected " + numClasses);
            }
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside [0, " + numClasses + ")");
            }
            predictions[i] = argmax(logits[i]);
            confusion[labels[i]][predictions[i]]++;
        }
        double[] recall = new double[numClasses];
        double sum = 0;
        int present = 0;
        for (int c = 0; c < numClasses; c++) {
            long n = Arrays.stream(confusion[c]).sum();
            recall[c] = n == 0 ? Double.NaN : (double) confusion[c][c] / n;
            if (n > 0) {
                sum += recall[c];
                present++;
            }
        }
        return new ClassificationMetrics(ZeroShotEval.topK(logits, labels, 1),
                ZeroShotEval.topK(logits, labels, Math.min(5, numClasses)), sum / present, recall, confusion, predictions);
    }

    /** Metrics of hard predictions (no top-5: it equals top-1 here). */
    public static ClassificationMetrics ofPredictions(int[] predictions, int[] labels, int numClasses) {
        float[][] oneHot = new float[predictions.length][numClasses];
        for (int i = 0; i < predictions.length; i++) {
            oneHot[i][predictions[i]] = 1f;
        }
        return of(oneHot, labels, numClasses);
    }

    /** The index of the largest value; the first one on ties; NaN never wins. */
    public static int argmax(float[] v) {
        int best = 0;
        for (int c = 1; c < v.length; c++) {
            if (v[c] > v[best] || Float.isNaN(v[best]) && !Float.isNaN(v[c])) {
                best = c;
            }
        }
        return best;
    }

    /** Number of evaluated samples. */
    public int count() {
        return predictions.length;
    }
}
