package dev.jclip.eval;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Classification and retrieval metrics against cases worked out by hand, ties included. */
class MetricsTest {
    @Test
    void trainingEvaluationReportsMeanRecallBesideTopOne() {
        // 8 photos of class 0, one each of classes 1 and 2; always predicting class 0 scores 80% top-1
        float[][] logits = new float[10][];
        int[] labels = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2};
        for (int i = 0; i < 10; i++) {
            logits[i] = new float[]{1f, 0f, 0f};
        }
        var m = ZeroShotEval.scores(logits, labels, 3);
        assertEquals(0.8, (Double) m.get("zeroshot_top1"), 1e-12);
        assertEquals(1.0 / 3, (Double) m.get("zeroshot_mean_recall"), 1e-12);
        assertTrue(Double.isNaN((Double) ZeroShotEval.scores(new float[0][], new int[0], 3).get("zeroshot_mean_recall")));
    }

    @Test
    void classificationWithTies() {
        float[][] logits = {
                {0.9f, 0.1f, 0.0f},  // label 0: right
                {0.5f, 0.5f, 0.0f},  // label 1: tie with class 0, which wins (lower index) -> wrong, but 2nd
                {0.2f, 0.3f, 0.5f},  // label 2: right
                {0.2f, 0.3f, 0.5f},  // label 1: predicted 2, label 2nd
                {0.7f, 0.2f, 0.1f},  // label 2: predicted 0, label last
        };
        int[] labels = {0, 1, 2, 1, 2};
        ClassificationMetrics m = ClassificationMetrics.of(logits, labels, 3);
        assertEquals(0.4, m.top1(), 1e-12);
        assertEquals(1.0, m.top5(), 1e-12); // top-min(5, 3): every label is somewhere in 3 classes
        assertEquals(0.8, ZeroShotEval.topK(logits, labels, 2), 1e-12);
        assertArrayEquals(new int[]{0, 0, 2, 2, 0}, m.predictions());
        assertArrayEquals(new long[]{1, 0, 0}, m.confusion()[0]);
        assertArrayEquals(new long[]{1, 0, 1}, m.confusion()[1]);
        assertArrayEquals(new long[]{1, 0, 1}, m.confusion()[2]);
        assertArrayEquals(new double[]{1.0, 0.0, 0.5}, m.perClassRecall(), 1e-12);
        assertEquals(0.5, m.meanPerClassRecall(), 1e-12);
        assertEquals(5, m.count());
    }

    @Test
    void classesWithoutSamplesAreLeftOutOfTheMean() {
        float[][] logits = {{1, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 1}};
        int[] labels = {0, 0, 1, 2}; // class 3 has no samples
        ClassificationMetrics m = ClassificationMetrics.of(logits, labels, 4);
        assertTrue(Double.isNaN(m.perClassRecall()[3]));
        assertEquals((1.0 + 1.0 + 0.0) / 3, m.meanPerClassRecall(), 1e-12);
        assertEquals(0.75, m.top1(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(logits, new int[]{0, 0, 1, 4}, 4));
    }

    @Test
    void retrievalWithSeveralCaptionsPerImageAndTies() {
        // image 0: captions 0, 1; image 1: caption 2; image 2: captions 3, 4
        int[] imageOfCaption = {0, 0, 1, 2, 2};
        float[][] sim = {
                {0.1f, 0.8f, 0.9f, 0.0f, 0.2f},  // best own caption 1 (0.8) behind caption 2 -> rank 2
                {0.5f, 0.1f, 0.5f, 0.5f, 0.0f},  // caption 2 ties 0 (ahead: lower index) and 3 (behind) -> rank 2
                {0.3f, 0.3f, 0.3f, 0.3f, 0.3f},  // all tied: own caption 3 comes after 0, 1, 2 -> rank 4
        };
        RetrievalMetrics m = RetrievalMetrics.of(sim, imageOfCaption);
        assertArrayEquals(new int[]{2, 2, 4}, m.imageToText().ranks());
        assertEquals(0.0, m.imageToText().recallAt(1), 1e-12);
        assertEquals(2.0 / 3, m.imageToText().recallAt(2), 1e-12);
        assertEquals(1.0, m.imageToText().recallAt(5), 1e-12);
        assertEquals(8.0 / 3, m.imageToText().meanRank(), 1e-12);
        assertEquals(2.0, m.imageToText().medianRank(), 1e-12);
        // captions as queries: columns of sim
        assertArrayEquals(new int[]{3, 1, 2, 2, 1}, m.textToImage().ranks());
        assertEquals(0.4, m.textToImage().recallAt(1), 1e-12);
        assertEquals(1.0, m.textToImage().recallAt(10), 1e-12);
        assertEquals(1.8, m.textToImage().meanRank(), 1e-12);
        assertEquals(2.0, m.textToImage().medianRank(), 1e-12);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddlePair() {
        float[][] sim = {{0.9f, 0.1f}, {0.8f, 0.2f}}; // caption 0 -> image 0, caption 1 -> image 1
        RetrievalMetrics m = RetrievalMetrics.of(sim, new int[]{0, 1});
        assertArrayEquals(new int[]{1, 2}, m.imageToText().ranks());
        assertEquals(1.5, m.imageToText().medianRank(), 1e-12);
        assertArrayEquals(new int[]{1, 1}, m.textToImage().ranks());
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.of(sim, new int[]{0, 0})); // image 1 uncaptioned
    }

    @Test
    void effectiveShotsInterpolatesOnLog2() {
        double[] k = {1, 2, 4, 8, 16};
        double[] acc = {0.2, 0.3, 0.5, 0.6, 0.7};
        EffectiveShots e = EffectiveShots.of(k, acc, 0.4);
        assertEquals(EffectiveShots.Bound.INTERPOLATED, e.bound());
        assertEquals(Math.pow(2, 1.5), e.shots(), 1e-12); // halfway between 2 and 4 on log2
        assertEquals(4.0, EffectiveShots.of(k, acc, 0.5).shots(), 1e-12);
        assertEquals(Math.pow(2, 3.25), EffectiveShots.of(k, acc, 0.625).shots(), 1e-12);
        assertEquals(new EffectiveShots(1, EffectiveShots.Bound.AT_MOST), EffectiveShots.of(k, acc, 0.1));
        assertEquals(new EffectiveShots(16, EffectiveShots.Bound.MORE_THAN), EffectiveShots.of(k, acc, 0.9));
        // a dip: the first crossing counts
        assertEquals(2.0, EffectiveShots.of(new double[]{1, 2, 4}, new double[]{0.3, 0.5, 0.4}, 0.5).shots(), 1e-12);
        assertEquals("≤ 1", EffectiveShots.of(k, acc, 0.1).describe());
        assertEquals("2.83", e.describe());
        assertThrows(IllegalArgumentException.class, () -> EffectiveShots.of(new double[]{2, 1}, new double[]{0, 1}, 0.5));
    }

    @Test
    void robustnessGapClosed() {
        Robustness r = Robustness.of(new Robustness.Accuracies("id", 0.6, 0.8),
                java.util.List.of(new Robustness.Accuracies("blur", 0.5, 0.4), new Robustness.Accuracies("easy", 0.6, 0.8)));
        Robustness.Shift blur = r.shifted().get(0);
        assertEquals(0.1, blur.zeroShotGap(), 1e-12);
        assertEquals(0.4, blur.probeGap(), 1e-12);
        assertEquals(0.75, blur.gapClosed(), 1e-12);
        assertTrue(Double.isNaN(r.shifted().get(1).gapClosed()));
        Robustness.Shift avg = r.average();
        assertEquals(0.05, avg.zeroShotGap(), 1e-12);
        assertEquals(0.2, avg.probeGap(), 1e-12);
        assertEquals(0.75, avg.gapClosed(), 1e-12);
    }

    @Test
    void robustnessChartLabelsSetsByShortNames() throws Exception {
        Robustness r = Robustness.of(new Robustness.Accuracies("folder /data/cifar10/test", "test", 0.6, 0.8), java.util.List.of(
                new Robustness.Accuracies("folder /tmp/shifted/gray", "gray", 0.5, 0.4),
                new Robustness.Accuracies("folder /other/gray", "gray", 0.4, 0.3),
                new Robustness.Accuracies("blur", 0.3, 0.2)));
        var bars = RobustnessEvaluation.chartBars(r);
        assertEquals(java.util.List.of("in distribution", "gray", "gray (2)", "blur"), java.util.List.copyOf(bars.get("zero-shot").keySet()));
        assertEquals(0.3, bars.get("linear probe").get("gray (2)"), 0);

        Path tmp = Files.createTempDirectory("shortnames");
        try {
            Path gray = Files.createDirectories(tmp.resolve("shifted/gray/cat"));
            Files.write(gray.resolve("a.png"), new byte[]{1});
            LabelledSet set = LabelledSet.open(dev.jclip.data.DataSources.Spec.of(tmp.resolve("shifted/gray") + "/", "auto"), null, 0);
            assertEquals("gray", set.shortName());
            assertTrue(set.description().endsWith("shifted/gray/"), set.description());
            assertEquals("gray (held-out 30%)", set.subset(new int[]{0}, "held-out 30%").shortName());
        } finally {
            try (var w = Files.walk(tmp)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
