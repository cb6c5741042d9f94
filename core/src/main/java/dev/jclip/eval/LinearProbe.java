package dev.jclip.eval;

import dev.jclip.data.Seeds;
import dev.jclip.zeroshot.Vectors;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The linear-probe protocol on frozen image features: features are L2-normalized, a seeded
 * class-stratified validation split is held out of the training set to choose λ
 * ({@link RegularizationSearch}), and a {@link LogisticRegression} is fitted
 * <ul>
 *   <li>for each k in {@code shots}, on {@code draws} random draws of k examples per class from
 *       the rest of the training set (λ chosen per draw on the validation split);</li>
 *   <li>for "all", on the rest of the training set to choose λ, then refitted with that λ on
 *       the whole training set, validation split included.</li>
 * </ul>
 * A k larger than the smallest class of the non-validation part is skipped (the draws would not
 * be k-shot). The validation examples are outside every k-shot draw, as the paper's held-out
 * validation sets were; they are what lets λ be chosen at all with one example per class.
 */
public final class LinearProbe {
    /**
     * @param shots              k values (examples per class), ascending
     * @param all                also fit on the whole training set
     * @param draws              random draws per k
     * @param validationFraction share of each class held out to choose λ
     * @param seed               seed of the split and the draws
     * @param grid               the λ grid
     * @param lbfgs              stopping rules of each fit
     */
    public record Options(List<Integer> shots, boolean all, int draws, double validationFraction, long seed,
                          RegularizationSearch.Grid grid, LogisticRegression.Options lbfgs) {
        public Options {
            shots = List.copyOf(shots);
            if (draws < 1) {
                throw new IllegalArgumentException("draws must be >= 1");
            }
        }

        /** 1, 2, 4, 8, 16 shots and all, 5 draws, 20% validation, the paper's λ grid. */
        public static Options defaults() {
            return new Options(List.of(1, 2, 4, 8, 16), true, 5, 0.2, 0,
                    RegularizationSearch.Grid.paper(), LogisticRegression.Options.defaults());
        }
    }

    /** One fit: its draw, training-set size, chosen λ and accuracies. */
    public record Run(int draw, int trainExamples, double lambda, double validationAccuracy, double testAccuracy) {
    }

    /**
     * The runs at one point of the curve.
     *
     * @param label          "1", "2", … or "all"
     * @param shotsPerClass  k, or the mean training examples per class for "all"
     */
    public record Point(String label, double shotsPerClass, List<Run> runs) {
        public double mean() {
            return runs.stream().mapToDouble(Run::testAccuracy).average().orElse(Double.NaN);
        }

        /** Sample standard deviation of the test accuracy over draws (0 for a single run). */
        public double std() {
            if (runs.size() < 2) {
                return 0;
            }
            double m = mean(), s = 0;
            for (Run r : runs) {
                s += (r.testAccuracy() - m) * (r.testAccuracy() - m);
            }
            return Math.sqrt(s / (runs.size() - 1));
        }

        public double min() {
            return runs.stream().mapToDouble(Run::testAccuracy).min().orElse(Double.NaN);
        }

        public double max() {
            return runs.stream().mapToDouble(Run::testAccuracy).max().orElse(Double.NaN);
        }
    }

    /** A probe fitted with a chosen λ, and the search that chose it. */
    public record Fitted(LogisticRegression.Model model, RegularizationSearch.Result search) {
    }

    /**
     * The k-shot curve.
     *
     * @param points         in order of {@code shotsPerClass}
     * @param skippedShots   k values skipped because a class had fewer examples
     * @param validationSize examples held out to choose λ
     * @param allProbe       the probe fitted on all training data, or null without "all"
     */
    public record Result(List<Point> points, List<Integer> skippedShots, int validationSize, Fitted allProbe) {
        /** Effective shots of a zero-shot accuracy on the mean curve (points with increasing x only). */
        public EffectiveShots effectiveShots(double zeroShotAccuracy) {
            List<double[]> xy = new ArrayList<>();
            for (Point p : points) {
                if (xy.isEmpty() || p.shotsPerClass() > xy.get(xy.size() - 1)[0]) {
                    xy.add(new double[]{p.shotsPerClass(), p.mean()});
                }
            }
            return EffectiveShots.of(xy.stream().mapToDouble(a -> a[0]).toArray(),
                    xy.stream().mapToDouble(a -> a[1]).toArray(), zeroShotAccuracy);
        }
    }

    private LinearProbe() {
    }

    /** Rows scaled to unit length (the probe's input). */
    public static float[][] normalize(float[][] x) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = Vectors.normalized(x[i]);
        }
        return out;
    }

    /**
     * Fits the probe on all of a training set: λ chosen on a held-out split, then refitted on
     * everything. Features are normalized here.
     */
    public static Fitted fitAll(float[][] train, int[] labels, int numClasses, Options o) {
        float[][] x = normalize(train);
        int[][] split = Splits.stratified(labels, o.validationFraction(), o.seed());
        if (split[1].length == 0) {
            throw new IllegalArgumentException("too few training examples to hold out a validation split (need 2 of a class)");
        }
        RegularizationSearch.Result s = RegularizationSearch.search(Splits.rows(x, split[0]), Splits.entries(labels, split[0]),
                Splits.rows(x, split[1]), Splits.entries(labels, split[1]), numClasses, o.grid(), o.lbfgs());
        LogisticRegression.Model m = LogisticRegression.fit(x, labels, numClasses, s.best().lambda(), o.lbfgs(), s.model());
        return new Fitted(m, s);
    }

    /**
     * Runs the whole curve.
     *
     * @param progress receives one line per finished point (may be null)
     */
    public static Result run(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, int numClasses,
                             Options o, Consumer<String> progress) {
        float[][] x = normalize(train), xt = normalize(test);
        int[][] split = Splits.stratified(trainLabels, o.validationFraction(), o.seed());
        int[] pool = split[0], val = split[1];
        if (val.length == 0) {
            throw new IllegalArgumentException("too few training examples to hold out a validation split (need 2 of a class)");
        }
        float[][] xv = Splits.rows(x, val);
        int[] yv = Splits.entries(trainLabels, val);
        int available = Splits.minPerClass(trainLabels, pool);
        List<Point> points = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        for (int k : o.shots()) {
            if (k > available) {
                skipped.add(k);
                continue;
            }
            List<Run> runs = new ArrayList<>();
            for (int d = 0; d < o.draws(); d++) {
                int[] idx = Splits.kShot(trainLabels, pool, k, Seeds.mix(o.seed(), k, d));
                RegularizationSearch.Result s = RegularizationSearch.search(Splits.rows(x, idx),
                        Splits.entries(trainLabels, idx), xv, yv, numClasses, o.grid(), o.lbfgs());
                runs.add(new Run(d, idx.length, s.best().lambda(), s.best().validationAccuracy(),
                        s.model().accuracy(xt, testLabels)));
            }
            Point p = new Point(Integer.toString(k), k, runs);
            points.add(p);
            report(progress, p);
        }
        Fitted all = null;
        if (o.all()) {
            all = fitAll(train, trainLabels, numClasses, o);
            Run r = new Run(0, train.length, all.model().lambda(), all.search().best().validationAccuracy(),
                    all.model().accuracy(xt, testLabels));
            int present = (int) java.util.Arrays.stream(trainLabels).distinct().count();
            Point p = new Point("all", (double) train.length / present, List.of(r));
            points.add(p);
            report(progress, p);
        }
        points.sort(java.util.Comparator.comparingDouble(Point::shotsPerClass));
        return new Result(List.copyOf(points), List.copyOf(skipped), val.length, all);
    }

    private static void report(Consumer<String> progress, Point p) {
        if (progress != null) {
            String what = p.label().equals("all") ? "all training images" : p.label() + "-shot";
            progress.accept(String.format(java.util.Locale.ROOT, "linear probe, %s: top-1 %.2f%% ± %.2f (%d run%s)",
                    what, 100 * p.mean(), 100 * p.std(), p.runs().size(), p.runs().size() == 1 ? "" : "s"));
        }
    }
}
