package dev.jclip.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot versus a linear probe under distribution shift, as in the CLIP paper's robustness
 * study: both are measured on the in-distribution test set and on shifted sets. A model's gap on
 * a shifted set is its in-distribution accuracy minus its shifted accuracy; the share of the
 * probe's gap that zero-shot closes is {@code 1 − zeroShotGap / probeGap} (1: zero-shot loses
 * nothing under the shift, 0: it loses as much as the probe; undefined when the probe loses
 * nothing).
 *
 * @param inDistribution accuracies on the in-distribution test set
 * @param shifted        accuracies and gaps on each shifted set
 */
public record Robustness(Accuracies inDistribution, List<Shift> shifted) {
    /**
     * Accuracies of both classifiers on one set.
     *
     * @param set   the set's full description (results.json, report tables)
     * @param label a short name for chart axes (e.g. the folder's base name)
     */
    public record Accuracies(String set, String label, double zeroShot, double probe) {
        /** Accuracies of a set whose description is short enough to be its label. */
        public Accuracies(String set, double zeroShot, double probe) {
            this(set, set, zeroShot, probe);
        }
    }

    /**
     * One shifted set.
     *
     * @param zeroShotGap in-distribution minus shifted zero-shot accuracy
     * @param probeGap    in-distribution minus shifted probe accuracy
     * @param gapClosed   1 − zeroShotGap / probeGap; NaN when probeGap ≤ 0
     */
    public record Shift(Accuracies accuracies, double zeroShotGap, double probeGap, double gapClosed) {
    }

    public Robustness {
        shifted = List.copyOf(shifted);
    }

    /** Gaps of every shifted set relative to {@code inDistribution}. */
    public static Robustness of(Accuracies inDistribution, List<Accuracies> shifted) {
        List<Shift> out = new ArrayList<>();
        for (Accuracies a : shifted) {
            double zg = inDistribution.zeroShot() - a.zeroShot();
            double pg = inDistribution.probe() - a.probe();
            out.add(new Shift(a, zg, pg, gapClosed(zg, pg)));
        }
        return new Robustness(inDistribution, out);
    }

    /** The gaps averaged over the shifted sets, and the share closed of the averaged gaps. */
    public Shift average() {
        double zs = shifted.stream().mapToDouble(s -> s.accuracies().zeroShot()).average().orElse(Double.NaN);
        double pr = shifted.stream().mapToDouble(s -> s.accuracies().probe()).average().orElse(Double.NaN);
        double zg = inDistribution.zeroShot() - zs, pg = inDistribution.probe() - pr;
        return new Shift(new Accuracies("average of shifted sets", zs, pr), zg, pg, gapClosed(zg, pg));
    }

    static double gapClosed(double zeroShotGap, double probeGap) {
        return probeGap > 0 ? 1 - zeroShotGap / probeGap : Double.NaN;
    }
}
