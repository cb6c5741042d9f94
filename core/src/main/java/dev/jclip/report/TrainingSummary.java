package dev.jclip.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headline numbers of a training metrics log. Values that the log does not contain are NaN
 * (for doubles) or -1 (for steps and counts), and are left out of {@link #asTable()}.
 *
 * @param lastStep               largest step logged, i.e. how far training got
 * @param lastEpoch              largest epoch logged
 * @param finalLoss              loss of the last record that has one
 * @param finalLossStep          its step
 * @param finalLearningRate      learning rate of the last record that has one
 * @param finalInverseTemperature exp(logit_scale) of the last record that has one
 * @param bestZeroShotTop1       highest zero-shot top-1 accuracy
 * @param bestZeroShotTop1Step   the first step that reached it
 * @param zeroShotTop5AtBest     zero-shot top-5 accuracy logged with that best top-1
 * @param meanSamplesPerSecond   mean of the logged throughput values
 * @param records                readable records
 * @param unreadableLines        lines that were not JSON objects
 */
public record TrainingSummary(long lastStep, long lastEpoch, double finalLoss, long finalLossStep,
                              double finalLearningRate, double finalInverseTemperature,
                              double bestZeroShotTop1, long bestZeroShotTop1Step, double zeroShotTop5AtBest,
                              double meanSamplesPerSecond, int records, int unreadableLines) {

    /** Summarizes a training log that uses the keys named in {@link TrainingReport}. */
    public static TrainingSummary of(MetricsTable log) {
        long lastStep = -1;
        long lastEpoch = -1;
        double finalLoss = Double.NaN;
        long finalLossStep = -1;
        double lr = Double.NaN;
        double invTemp = Double.NaN;
        double bestTop1 = Double.NaN;
        long bestStep = -1;
        double top5AtBest = Double.NaN;
        double throughputSum = 0;
        int throughputCount = 0;
        for (Map<String, Object> r : log.rows()) {
            Long step = MetricsTable.stepOf(r);
            if (step != null) {
                lastStep = Math.max(lastStep, step);
            }
            Double epoch = MetricsTable.valueOf(r, TrainingReport.EPOCH);
            if (epoch != null && Double.isFinite(epoch)) {
                lastEpoch = Math.max(lastEpoch, epoch.longValue());
            }
            Double loss = MetricsTable.valueOf(r, TrainingReport.LOSS);
            if (loss != null) {
                finalLoss = loss;
                finalLossStep = step == null ? -1 : step;
            }
            Double rate = MetricsTable.valueOf(r, TrainingReport.LR);
            if (rate != null) {
                lr = rate;
            }
            Double scale = MetricsTable.valueOf(r, TrainingReport.LOGIT_SCALE);
            if (scale != null) {
                invTemp = Math.exp(scale);
            }
            Double top1 = MetricsTable.valueOf(r, TrainingReport.ZEROSHOT_TOP1);
            // Strictly greater: ties keep the earlier step, the cheaper checkpoint to pick.
            if (top1 != null && !top1.isNaN() && (Double.isNaN(bestTop1) || top1 > bestTop1)) {
                bestTop1 = top1;
                bestStep = step == null ? -1 : step;
                Double top5 = MetricsTable.valueOf(r, TrainingReport.ZEROSHOT_TOP5);
                top5AtBest = top5 == null ? Double.NaN : top5;
            }
            Double sps = MetricsTable.valueOf(r, TrainingReport.SAMPLES_PER_S);
            if (sps != null && Double.isFinite(sps)) {
                throughputSum += sps;
                throughputCount++;
            }
        }
        double meanSps = throughputCount == 0 ? Double.NaN : throughputSum / throughputCount;
        return new TrainingSummary(lastStep, lastEpoch, finalLoss, finalLossStep, lr, invTemp,
                bestTop1, bestStep, top5AtBest, meanSps, log.size(), log.unreadableLines());
    }

    /** The known values as labelled rows, for {@link HtmlReport#keyValueTable}. */
    public Map<String, Object> asTable() {
        Map<String, Object> t = new LinkedHashMap<>();
        if (lastStep >= 0) {
            t.put("Total steps", lastStep);
        }
        if (lastEpoch >= 0) {
            t.put("Last epoch", lastEpoch);
        }
        if (finalLossStep >= 0 || !Double.isNaN(finalLoss)) {
            t.put("Final loss", finalLoss);
            if (finalLossStep >= 0) {
                t.put("Final loss at step", finalLossStep);
            }
        }
        putIfKnown(t, "Final learning rate", finalLearningRate);
        putIfKnown(t, "Final exp(logit_scale) (inverse temperature)", finalInverseTemperature);
        if (!Double.isNaN(bestZeroShotTop1)) {
            t.put("Best zero-shot top-1", bestZeroShotTop1);
            if (bestZeroShotTop1Step >= 0) {
                t.put("Best zero-shot top-1 at step", bestZeroShotTop1Step);
            }
            putIfKnown(t, "Zero-shot top-5 at that step", zeroShotTop5AtBest);
        }
        putIfKnown(t, "Mean throughput (samples/s)", meanSamplesPerSecond);
        t.put("Records", records);
        if (unreadableLines > 0) {
            t.put("Unreadable lines", unreadableLines);
        }
        return t;
    }

    private static void putIfKnown(Map<String, Object> t, String key, double v) {
        if (!Double.isNaN(v)) {
            t.put(key, v);
        }
    }
}
