package dev.jclip.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The L-BFGS logistic regression against problems whose solution is known. */
class LogisticRegressionTest {
    private static final LogisticRegression.Options TIGHT = new LogisticRegression.Options(500, 1e-9, 20);

    /**
     * Not separable: at x = +1 three of four samples are class 0, at x = −1 three of four are
     * class 1. Unpenalized maximum likelihood reproduces the empirical frequencies, P = 3/4.
     */
    @Test
    void nonSeparableUnpenalizedFitMatchesTheEmpiricalFrequencies() {
        float[][] x = {{1}, {1}, {1}, {1}, {-1}, {-1}, {-1}, {-1}};
        int[] y = {0, 0, 0, 1, 1, 1, 1, 0};
        LogisticRegression.Model m = LogisticRegression.fit(x, y, 2, 0, TIGHT, null);
        float[][] l = m.logits(new float[][]{{1}, {-1}});
        assertEquals(0.75, softmax(l[0])[0], 1e-6);
        assertEquals(0.75, softmax(l[1])[1], 1e-6);
        // the objective is then the entropy of (3/4, 1/4)
        assertEquals(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), m.objective(), 1e-9);
        assertEquals(0.75, m.accuracy(x, y), 1e-12);
    }

    /**
     * With a penalty the fit must be a stationary point of mean CE + λ/2‖W‖² (gradient computed
     * here in Java; the tolerance allows for the model's float32 weights, times λ up to 10).
     */
    @Test
    void penalizedFitIsStationary() {
        Problem p = blobs(3, 4, 60, 0.8, 7);
        for (double lambda : new double[]{1e-3, 0.1, 10}) {
            LogisticRegression.Model m = LogisticRegression.fit(p.x, p.y, 3, lambda, TIGHT, null);
            assertTrue(maxGradient(m, p.x, p.y, lambda) < 1e-5, "lambda " + lambda + " gradient " + maxGradient(m, p.x, p.y, lambda));
        }
    }

    /** Separable by construction (one class per quadrant): every point right, and the small-λ fit stationary. */
    @Test
    void separableProblemIsFittedExactly() {
        Problem p = quadrants(40, 5);
        LogisticRegression.Model m = LogisticRegression.fit(p.x, p.y, 4, 1e-4, TIGHT, null);
        assertEquals(1.0, m.accuracy(p.x, p.y), 1e-12);
        assertTrue(maxGradient(m, p.x, p.y, 1e-4) < 1e-5);
        // without a penalty the likelihood has no maximum; L-BFGS still separates the classes
        LogisticRegression.Model free = LogisticRegression.fit(p.x, p.y, 4, 0, LogisticRegression.Options.defaults(), null);
        assertEquals(1.0, free.accuracy(p.x, p.y), 1e-12);
        assertTrue(free.objective() < 1e-3, "objective " + free.objective());
    }

    @Test
    void warmStartReachesTheSameSolution() {
        Problem p = blobs(3, 5, 50, 1.0, 11);
        LogisticRegression.Model cold = LogisticRegression.fit(p.x, p.y, 3, 0.01, TIGHT, null);
        LogisticRegression.Model start = LogisticRegression.fit(p.x, p.y, 3, 1.0, TIGHT, null);
        LogisticRegression.Model warm = LogisticRegression.fit(p.x, p.y, 3, 0.01, TIGHT, start);
        assertEquals(cold.objective(), warm.objective(), 1e-9);
    }

    @Test
    void searchKeepsTheBestValidationTrial() {
        Problem train = blobs(3, 8, 10, 1.2, 1), val = blobs(3, 8, 30, 1.2, 2);
        RegularizationSearch.Grid grid = new RegularizationSearch.Grid(-4, 2, 1, 0.25);
        RegularizationSearch.Result r = RegularizationSearch.search(train.x, train.y, val.x, val.y, 3, grid,
                LogisticRegression.Options.defaults());
        List<RegularizationSearch.Trial> trials = r.trials();
        // 7 decades, then quarter-decade points within a decade of the best coarse one (clipped to the grid)
        for (int e = -4; e <= 2; e++) {
            double exponent = e;
            assertTrue(trials.stream().anyMatch(t -> t.log10Lambda() == exponent), "decade " + e);
        }
        assertTrue(trials.size() >= 7 + 3 && trials.size() <= 7 + 7, "trials " + trials.size());
        for (RegularizationSearch.Trial t : trials) {
            assertTrue(t.validationAccuracy() <= r.best().validationAccuracy());
            double frac = t.log10Lambda() * 4;
            assertEquals(Math.rint(frac), frac, 1e-9, "on the quarter-decade grid");
        }
        assertEquals(r.best().lambda(), r.model().lambda(), 1e-12);
        assertEquals(r.best().validationAccuracy(), r.model().accuracy(val.x, val.y), 1e-12);
    }

    record Problem(float[][] x, int[] y) {
    }

    /** Points uniformly within 0.8 of the centres (±1, ±1): class = quadrant, so linearly separable. */
    static Problem quadrants(int perClass, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[4 * perClass][];
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % 4;
            double cx = (y[i] & 1) == 0 ? 1 : -1, cy = (y[i] & 2) == 0 ? 1 : -1;
            double a = r.nextDouble() * 2 * Math.PI, rad = 0.8 * Math.sqrt(r.nextDouble());
            x[i] = new float[]{(float) (cx + rad * Math.cos(a)), (float) (cy + rad * Math.sin(a))};
        }
        return new Problem(x, y);
    }

    /** Gaussian blobs around random unit centres; spread controls overlap. */
    static Problem blobs(int classes, int dim, int perClass, double spread, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] centres = new float[classes][dim];
        for (int c = 0; c < classes; c++) {
            for (int d = 0; d < dim; d++) {
                centres[c][d] = (float) (r.nextDouble() * 4 - 2);
            }
        }
        float[][] x = new float[classes * perClass][dim];
        int[] y = new int[classes * perClass];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % classes;
            for (int d = 0; d < dim; d++) {
                x[i][d] = (float) (centres[y[i]][d] + spread * gaussian(r));
            }
        }
        return new Problem(x, y);
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static double[] softmax(float[] l) {
        double m = Math.max(l[0], l[1]);
        double a = Math.exp(l[0] - m), b = Math.exp(l[1] - m);
        return new double[]{a / (a + b), b / (a + b)};
    }

    /** max |∂/∂W| and |∂/∂b| of mean cross-entropy + λ/2‖W‖², in double precision. */
    private static double maxGradient(LogisticRegression.Model m, float[][] x, int[] y, double lambda) {
        int c = m.numClasses(), d = x[0].length, n = x.length;
        double[][] gw = new double[c][d];
        double[] gb = new double[c];
        for (int i = 0; i < n; i++) {
            double[] z = new double[c];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                z[k] = m.bias()[k];
                for (int j = 0; j < d; j++) {
                    z[k] += (double) m.weights()[k][j] * x[i][j];
                }
                max = Math.max(max, z[k]);
            }
            double s = 0;
            for (int k = 0; k < c; k++) {
                z[k] = Math.exp(z[k] - max);
                s += z[k];
            }
            for (int k = 0; k < c; k++) {
                double g = (z[k] / s - (y[i] == k ? 1 : 0)) / n;
                gb[k] += g;
                for (int j = 0; j < d; j++) {
                    gw[k][j] += g * x[i][j];
                }
            }
        }
        double worst = 0;
        for (int k = 0; k < c; k++) {
            worst = Math.max(worst, Math.abs(gb[k]));
            for (int j = 0; j < d; j++) {
                worst = Math.max(worst, Math.abs(gw[k][j] + lambda * m.weights()[k][j]));
            }
        }
        return worst;
    }
}
