package dev.jclip.zeroshot;

/**
 * Per-class standardisation of zero-shot scores: each class's score is replaced by how many
 * standard deviations it lies above that class's mean score over a reference set of images. A
 * class text that sits near every image (a "hub", which would otherwise take most predictions)
 * then has to beat its own high baseline. Fitted on images of other classes than the evaluated
 * ones (the training images, say), it uses no evaluated image, so the classifier stays zero-shot.
 *
 * @param mean per-class mean score over the reference images
 * @param std  per-class standard deviation over them (a floor keeps constant columns finite)
 */
public record ScoreCalibration(double[] mean, double[] std) {
    /** Fits the calibration to the scores [N][C] of the reference images (at the scale that will be used). */
    public static ScoreCalibration fit(float[][] referenceScores) {
        if (referenceScores.length < 2) {
            throw new IllegalArgumentException("calibration needs at least two reference images, not " + referenceScores.length);
        }
        int c = referenceScores[0].length;
        double[] mean = new double[c], std = new double[c];
        for (float[] row : referenceScores) {
            for (int j = 0; j < c; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < c; j++) {
            mean[j] /= referenceScores.length;
        }
        for (float[] row : referenceScores) {
            for (int j = 0; j < c; j++) {
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
            }
        }
        for (int j = 0; j < c; j++) {
            std[j] = Math.max(Math.sqrt(std[j] / (referenceScores.length - 1)), 1e-6);
        }
        return new ScoreCalibration(mean, std);
    }

    /** The standardised scores of {@code scores} [N][C]. */
    public float[][] apply(float[][] scores) {
        float[][] out = new float[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length != mean.length) {
                throw new IllegalArgumentException("scores have " + scores[i].length + " classes; the calibration " + mean.length);
            }
            out[i] = new float[mean.length];
            for (int j = 0; j < mean.length; j++) {
                out[i][j] = (float) ((scores[i][j] - mean[j]) / std[j]);
            }
        }
        return out;
    }
}
