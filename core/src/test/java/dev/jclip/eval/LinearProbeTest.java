package dev.jclip.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The k-shot protocol on synthetic features (fast: small λ grid). */
class LinearProbeTest {
    private static final LinearProbe.Options OPTIONS = new LinearProbe.Options(List.of(1, 2, 4, 64), true, 3, 0.25, 5,
            new RegularizationSearch.Grid(-3, 1, 1, 0.5), LogisticRegression.Options.defaults());

    @Test
    void kShotCurveIsSeededAndSkipsImpossibleShots() {
        var blobs = LogisticRegressionTest.blobs(3, 6, 40, 0.5, 1); // labels cycle 0,1,2: halves hold 20 of each
        float[][] x = blobs.x(), tx = java.util.Arrays.copyOfRange(x, 60, 120);
        int[] y = java.util.Arrays.copyOf(blobs.y(), 60), ty = java.util.Arrays.copyOfRange(blobs.y(), 60, 120);
        x = java.util.Arrays.copyOf(x, 60);
        LinearProbe.Result r = LinearProbe.run(x, y, tx, ty, 3, OPTIONS, null);
        assertEquals(List.of(64), r.skippedShots()); // 15 per class remain after the validation split
        assertEquals(15, r.validationSize());
        assertEquals(List.of("1", "2", "4", "all"), r.points().stream().map(LinearProbe.Point::label).toList());
        LinearProbe.Point one = r.points().get(0);
        assertEquals(3, one.runs().size());
        assertTrue(one.runs().stream().allMatch(run -> run.trainExamples() == 3));
        assertTrue(one.min() <= one.mean() && one.mean() <= one.max() && one.std() >= 0);
        LinearProbe.Point all = r.points().get(3);
        assertEquals(20.0, all.shotsPerClass(), 1e-12);
        assertEquals(60, all.runs().get(0).trainExamples());
        assertTrue(all.mean() > 0.8, "all-data probe on well separated blobs: " + all.mean());
        // same seed, same curve
        LinearProbe.Result again = LinearProbe.run(x, y, tx, ty, 3, OPTIONS, null);
        for (int i = 0; i < r.points().size(); i++) {
            assertEquals(r.points().get(i).mean(), again.points().get(i).mean(), 0);
        }
        EffectiveShots e = r.effectiveShots(0.0);
        assertEquals(EffectiveShots.Bound.AT_MOST, e.bound());
        assertEquals(EffectiveShots.Bound.MORE_THAN, r.effectiveShots(1.01).bound());
    }
}
