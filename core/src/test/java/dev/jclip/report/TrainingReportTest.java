package dev.jclip.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingReportTest {
    @TempDir
    Path dir;

    /** 1000 steps logged every 10, evaluations every 200 with the best top-1 (0.75) first reached at step 600. */
    private Path syntheticLog() throws Exception {
        Path f = dir.resolve("metrics.jsonl");
        double[] top1 = {0.2, 0.5, 0.75, 0.7, 0.75};
        try (MetricsLog log = MetricsLog.open(f)) {
            for (int step = 10; step <= 1000; step += 10) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("epoch", step / 400);
                r.put("loss", step == 1000 ? 0.5 : 4.0 * Math.exp(-step / 300.0) + 0.3 * Math.sin(step));
                r.put("lr", 5e-4 * Math.min(1.0, step / 100.0));
                r.put("logit_scale", Math.log(1 / 0.07) + step / 1000.0);
                r.put("samples_per_s", step % 20 == 0 ? 700.0 : 900.0);
                r.put("skipped", 0);
                log.append(step, r);
                if (step % 200 == 0) {
                    log.append(step, Map.of("zeroshot_top1", top1[step / 200 - 1], "zeroshot_top5", 0.9));
                }
            }
        }
        return f;
    }

    @Test
    void writesPlotsAndASelfContainedReport() throws Exception {
        Path out = dir.resolve("report");
        Path html = TrainingReport.write(syntheticLog(), out, "Run <script>x</script>");
        assertEquals(out.resolve("report.html"), html);
        for (String png : new String[]{"loss.png", "lr.png", "temperature.png", "zeroshot.png"}) {
            ChartsTest.decode(out.resolve(png), TrainingReport.PLOT_WIDTH, TrainingReport.PLOT_HEIGHT);
        }
        String s = Files.readString(html);
        for (String png : new String[]{"loss.png", "lr.png", "temperature.png", "zeroshot.png"}) {
            String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(out.resolve(png)));
            assertTrue(s.contains(uri), png + " is not embedded");
        }
        assertFalse(s.contains("<script>"));
        assertTrue(s.contains("Run &lt;script&gt;x&lt;/script&gt;"));
        assertTrue(s.contains("<td>Total steps</td><td class=\"num\">1000</td>"), s);
        assertTrue(s.contains("<td>Final loss</td><td class=\"num\">0.5</td>"));
        assertTrue(s.contains("<td>Best zero-shot top-1</td><td class=\"num\">0.75</td>"));
        assertTrue(s.contains("<td>Best zero-shot top-1 at step</td><td class=\"num\">600</td>"));
        assertTrue(s.contains("<td>Mean throughput (samples/s)</td><td class=\"num\">800</td>"));
        assertTrue(s.contains("moving average over 5 records"), "auto smoothing window for 100 records");
    }

    @Test
    void summaryOfTheSyntheticLog() throws Exception {
        TrainingSummary sum = TrainingSummary.of(MetricsLog.read(syntheticLog()));
        assertEquals(1000, sum.lastStep());
        assertEquals(2, sum.lastEpoch());
        assertEquals(0.5, sum.finalLoss());
        assertEquals(1000, sum.finalLossStep());
        assertEquals(0.75, sum.bestZeroShotTop1());
        assertEquals(600, sum.bestZeroShotTop1Step());
        assertEquals(0.9, sum.zeroShotTop5AtBest());
        assertEquals(800.0, sum.meanSamplesPerSecond(), 1e-9);
        assertEquals(Math.exp(Math.log(1 / 0.07) + 1.0), sum.finalInverseTemperature(), 1e-9);
        assertEquals(105, sum.records());
    }

    @Test
    void withoutEvaluationsThereIsNoZeroShotPlot() throws Exception {
        Path f = dir.resolve("m.jsonl");
        try (MetricsLog log = MetricsLog.open(f)) {
            for (int step = 1; step <= 5; step++) {
                log.append(step, Map.of("loss", 1.0 / step, "lr", 1e-3, "logit_scale", 2.659));
            }
        }
        Path out = dir.resolve("r");
        Files.createDirectories(out);
        Files.write(out.resolve("zeroshot.png"), new byte[]{1});
        String s = Files.readString(TrainingReport.write(f, out, "short"));
        assertFalse(Files.exists(out.resolve("zeroshot.png")), "a stale plot from an earlier run is removed");
        assertTrue(Files.exists(out.resolve("loss.png")));
        assertFalse(s.contains("Zero-shot"));
        assertFalse(s.contains("moving average"), "too few records to smooth");
    }

    @Test
    void centredMovingAverageSkipsNaN() {
        assertArrayEquals(new double[]{1.5, 2, 3, 3.5}, TrainingReport.movingAverage(new double[]{1, 2, 3, 4}, 3), 1e-12);
        assertArrayEquals(new double[]{1, 2, 3, 3}, TrainingReport.movingAverage(new double[]{1, Double.NaN, 3, 3}, 3), 1e-12);
        assertEquals(1, TrainingReport.autoWindow(49));
        assertEquals(5, TrainingReport.autoWindow(100));
        assertEquals(41, TrainingReport.autoWindow(1000));
    }
}
