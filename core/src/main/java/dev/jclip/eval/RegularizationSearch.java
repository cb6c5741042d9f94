package dev.jclip.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Chooses the L2 strength of a {@link LogisticRegression} on a validation split, coarse to fine
 * over a log grid as the CLIP paper did (it swept 10⁻⁶…10⁶): first every {@code coarseStep}
 * decades, then every {@code fineStep} decades within one coarse step of the best value.
 * Candidates are compared by validation accuracy, then by lower validation cross-entropy (small
 * validation sets make accuracy plateaus common), then by the stronger penalty.
 *
 * <p>The coarse sweep runs from strong to weak regularization, each fit starting from the
 * previous solution (a regularization path): the weakly regularized fits, slow from zero, then
 * converge in a few iterations.
 */
public final class RegularizationSearch {
    /**
     * The log₁₀ grid.
     *
     * @param minExponent lowest λ is 10^minExponent
     * @param maxExponent highest λ is 10^maxExponent
     * @param coarseStep  decades between coarse candidates
     * @param fineStep    decades between fine candidates (≥ coarseStep: no fine stage)
     */
    public record Grid(double minExponent, double maxExponent, double coarseStep, double fineStep) {
        public Grid {
            if (!(maxExponent >= minExponent) || !(coarseStep > 0) || !(fineStep > 0)) {
                throw new IllegalArgumentException("bad lambda grid " + minExponent + ".." + maxExponent
                        + " step " + coarseStep + "/" + fineStep);
            }
        }

        /** 10⁻⁶…10⁶, decades, then eighths of a decade around the best: 13 + 15 fits. */
        public static Grid paper() {
            return new Grid(-6, 6, 1, 0.125);
        }
    }

    /** One candidate: its λ (log₁₀), validation accuracy and cross-entropy. */
    public record Trial(double log10Lambda, double validationAccuracy, double validationLoss) {
        public double lambda() {
            return Math.pow(10, log10Lambda);
        }
    }

    /** The chosen fit and every candidate tried, in λ order. */
    public record Result(LogisticRegression.Model model, Trial best, List<Trial> trials) {
    }

    private RegularizationSearch() {
    }

    /** Fits every candidate on the training rows and keeps the best on the validation rows. */
    public static Result search(float[][] xTrain, int[] yTrain, float[][] xVal, int[] yVal, int numClasses,
                                Grid grid, LogisticRegression.Options options) {
        if (xVal.length == 0) {
            throw new IllegalArgumentException("the validation split is empty");
        }
        TreeMap<Double, LogisticRegression.Model> fits = new TreeMap<>();
        TreeMap<Double, Trial> trials = new TreeMap<>();
        LogisticRegression.Model previous = null;
        for (double e : coarse(grid)) {
            previous = evaluate(e, previous, xTrain, yTrain, xVal, yVal, numClasses, options, fits, trials);
        }
        Trial best = best(trials.values());
        if (grid.fineStep() < grid.coarseStep()) {
            double lo = Math.max(grid.minExponent(), best.log10Lambda() - grid.coarseStep());
            double hi = Math.min(grid.maxExponent(), best.log10Lambda() + grid.coarseStep());
            // Descending again, warm-started from the nearest stronger fit already made.
            int steps = (int) Math.round((hi - lo) / grid.fineStep());
            for (int i = steps; i >= 0; i--) {
                double e = round(lo + i * grid.fineStep());
                if (trials.containsKey(e)) {
                    continue;
                }
                var near = fits.ceilingEntry(e) != null ? fits.ceilingEntry(e) : fits.floorEntry(e);
                evaluate(e, near.getValue(), xTrain, yTrain, xVal, yVal, numClasses, options, fits, trials);
            }
            best = best(trials.values());
        }
        return new Result(fits.get(best.log10Lambda()), best, List.copyOf(trials.values()));
    }

    static List<Double> coarse(Grid grid) {
        List<Double> out = new ArrayList<>();
        int steps = (int) Math.floor((grid.maxExponent() - grid.minExponent()) / grid.coarseStep() + 1e-9);
        for (int i = 0; i <= steps; i++) {
            out.add(round(grid.maxExponent() - i * grid.coarseStep()));
        }
        return out;
    }

    /** The best of the candidates: accuracy, then loss, then the stronger penalty. */
    static Trial best(java.util.Collection<Trial> trials) {
        return trials.stream().min(Comparator.comparingDouble((Trial t) -> -t.validationAccuracy())
                .thenComparingDouble(t -> Double.isNaN(t.validationLoss()) ? Double.POSITIVE_INFINITY : t.validationLoss())
                .thenComparingDouble(t -> -t.log10Lambda())).orElseThrow();
    }

    private static LogisticRegression.Model evaluate(double e, LogisticRegression.Model start, float[][] xTrain, int[] yTrain,
                                                     float[][] xVal, int[] yVal, int numClasses,
                                                     LogisticRegression.Options options,
                                                     TreeMap<Double, LogisticRegression.Model> fits,
                                                     TreeMap<Double, Trial> trials) {
        LogisticRegression.Model m = LogisticRegression.fit(xTrain, yTrain, numClasses, Math.pow(10, e), options, start);
        fits.put(e, m);
        trials.put(e, new Trial(e, m.accuracy(xVal, yVal), m.crossEntropy(xVal, yVal)));
        return m;
    }

    /** Grid exponents rounded so that 0.1 + 0.2 style noise does not make two keys of one point. */
    private static double round(double e) {
        return Math.round(e * 1e6) / 1e6;
    }
}
