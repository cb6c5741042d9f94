package dev.jclip.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a training metrics log into plots and an HTML page. Training records look like
 * {@code {"step":120,"epoch":1,"loss":2.31,"lr":0.0004,"logit_scale":3.1,"samples_per_s":812.5,"skipped":0}},
 * evaluation records like {@code {"step":500,"zeroshot_top1":0.71,"zeroshot_top5":0.97}}; any
 * key may be missing from any record.
 *
 * <p>Writes into the output folder {@value #LOSS_PNG}, {@value #LR_PNG}, {@value #TEMPERATURE_PNG},
 * {@value #ZEROSHOT_PNG} (only when the log has evaluations) and {@value #REPORT_HTML}. A plot
 * whose data is absent is not drawn, and an old copy of it in the folder is deleted so the folder
 * never mixes runs.
 */
public final class TrainingReport {
    public static final String STEP = MetricsLog.STEP;
    public static final String EPOCH = "epoch";
    public static final String LOSS = "loss";
    public static final String LR = "lr";
    public static final String LOGIT_SCALE = "logit_scale";
    public static final String SAMPLES_PER_S = "samples_per_s";
    public static final String ZEROSHOT_TOP1 = "zeroshot_top1";
    public static final String ZEROSHOT_TOP5 = "zeroshot_top5";

    public static final String LOSS_PNG = "loss.png";
    public static final String LR_PNG = "lr.png";
    public static final String TEMPERATURE_PNG = "temperature.png";
    public static final String ZEROSHOT_PNG = "zeroshot.png";
    public static final String REPORT_HTML = "report.html";

    /** Size of every plot, in pixels. */
    public static final int PLOT_WIDTH = 960;
    public static final int PLOT_HEIGHT = 480;

    /** Smoothing window meaning "choose from the number of loss records". */
    public static final int AUTO_SMOOTHING = 0;

    private TrainingReport() {
    }

    /** {@link #write(Path, Path, String, int)} with an automatically chosen loss smoothing window. */
    public static Path write(Path metricsJsonl, Path outDir, String title) throws IOException {
        return write(metricsJsonl, outDir, title, AUTO_SMOOTHING);
    }

    /**
     * Writes the plots and the report.
     *
     * @param smoothingWindow records per centred moving average drawn over the raw loss;
     *                        {@link #AUTO_SMOOTHING} picks one, 1 or less draws the raw loss only
     * @return the HTML file
     */
    public static Path write(Path metricsJsonl, Path outDir, String title, int smoothingWindow) throws IOException {
        MetricsTable log = MetricsTable.read(metricsJsonl);
        Files.createDirectories(outDir);
        TrainingSummary summary = TrainingSummary.of(log);

        HtmlReport html = new HtmlReport().title(title);
        html.paragraph("Source: " + metricsJsonl.getFileName() + " (" + log.size() + " records"
                + (log.unreadableLines() > 0 ? ", " + log.unreadableLines() + " unreadable lines skipped" : "")
                + ").");
        html.heading("Summary").keyValueTable(summary.asTable());

        List<String> missing = new ArrayList<>();
        double[][] loss = log.series(LOSS);
        if (plot(outDir, LOSS_PNG, loss, missing, "loss")) {
            int window = smoothingWindow == AUTO_SMOOTHING ? autoWindow(loss[0].length) : smoothingWindow;
            ChartStyle.savePng(lossChart(loss, window), outDir.resolve(LOSS_PNG), PLOT_WIDTH, PLOT_HEIGHT);
            html.heading("Loss").image(window > 1
                    ? "Training loss per logged step (faint) and its centred moving average over " + window + " records."
                    : "Training loss per logged step.", outDir.resolve(LOSS_PNG));
        }

        double[][] lr = log.series(LR);
        if (plot(outDir, LR_PNG, lr, missing, "learning rate")) {
            Charts.linePlot("Learning rate", "step", "learning rate", Map.of("lr", lr),
                    outDir.resolve(LR_PNG), PLOT_WIDTH, PLOT_HEIGHT);
            html.heading("Learning rate").image("Learning rate schedule.", outDir.resolve(LR_PNG));
        }

        double[][] scale = log.series(LOGIT_SCALE);
        if (plot(outDir, TEMPERATURE_PNG, scale, missing, "logit scale")) {
            double[] inv = Arrays.stream(scale[1]).map(Math::exp).toArray();
            Charts.linePlot("Inverse temperature exp(logit_scale)", "step", "exp(logit_scale) = 1/τ",
                    Map.of("exp(logit_scale)", new double[][]{scale[0], inv}),
                    outDir.resolve(TEMPERATURE_PNG), PLOT_WIDTH, PLOT_HEIGHT);
            html.heading("Temperature").image("Learned inverse temperature exp(logit_scale) that multiplies the "
                    + "cosine similarities (CLIP clamps it at 100).", outDir.resolve(TEMPERATURE_PNG));
        }

        double[][] top1 = log.series(ZEROSHOT_TOP1);
        double[][] top5 = log.series(ZEROSHOT_TOP5);
        Map<String, double[][]> zs = new LinkedHashMap<>();
        if (top1[0].length > 0) {
            zs.put("top-1", top1);
        }
        if (top5[0].length > 0) {
            zs.put("top-5", top5);
        }
        if (zs.isEmpty()) {
            Files.deleteIfExists(outDir.resolve(ZEROSHOT_PNG));
        } else {
            Charts.linePlot("Zero-shot accuracy", "step", "accuracy", zs,
                    outDir.resolve(ZEROSHOT_PNG), PLOT_WIDTH, PLOT_HEIGHT);
            html.heading("Zero-shot evaluation").image("Zero-shot classification accuracy at each evaluation.",
                    outDir.resolve(ZEROSHOT_PNG));
            html.table(List.of("step", "top-1", "top-5"), evaluationRows(log));
        }

        if (!missing.isEmpty()) {
            html.paragraph("Not in the log: " + String.join(", ", missing) + ".");
        }
        Path out = outDir.resolve(REPORT_HTML);
        html.write(out);
        return out;
    }

    /**
     * Centred moving average; near the ends the window shrinks rather than the curve stopping
     * short. Centred rather than trailing so the smoothed curve does not lag behind the raw one,
     * and NaN values are skipped so one bad step does not blank a whole window.
     */
    static double[] movingAverage(double[] y, int window) {
        int half = Math.max(0, window / 2);
        double[] sum = new double[y.length + 1];
        int[] count = new int[y.length + 1];
        for (int i = 0; i < y.length; i++) {
            boolean ok = Double.isFinite(y[i]);
            sum[i + 1] = sum[i] + (ok ? y[i] : 0);
            count[i + 1] = count[i] + (ok ? 1 : 0);
        }
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            int lo = Math.max(0, i - half);
            int hi = Math.min(y.length, i + half + 1);
            int c = count[hi] - count[lo];
            out[i] = c == 0 ? Double.NaN : (sum[hi] - sum[lo]) / c;
        }
        return out;
    }

    /** About 4% of the records, so a few thousand steps get a clearly smoother curve; none below 50 records. */
    static int autoWindow(int records) {
        if (records < 50) {
            return 1;
        }
        int w = records / 25;
        return w % 2 == 0 ? w + 1 : w;
    }

    private static JFreeChart lossChart(double[][] loss, int window) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("loss", loss);
        if (window > 1) {
            series.put("moving average (" + window + ")", new double[][]{loss[0], movingAverage(loss[1], window)});
        }
        JFreeChart chart = Charts.lineChart("Training loss", "step", "loss", series, false);
        if (window > 1) {
            XYPlot plot = chart.getXYPlot();
            XYItemRenderer r = plot.getRenderer();
            // The raw values stay visible for spikes, but faint so the trend reads first.
            r.setSeriesPaint(0, ChartStyle.faded(ChartStyle.color(0), 0.6));
            r.setSeriesStroke(0, ChartStyle.THIN_LINE);
            r.setSeriesPaint(1, ChartStyle.color(0));
            plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        }
        return chart;
    }

    private static boolean plot(Path outDir, String png, double[][] series, List<String> missing, String what)
            throws IOException {
        if (series[0].length > 0) {
            return true;
        }
        Files.deleteIfExists(outDir.resolve(png));
        missing.add(what);
        return false;
    }

    private static List<List<?>> evaluationRows(MetricsTable log) {
        List<List<?>> rows = new ArrayList<>();
        for (Map<String, Object> r : log.rows()) {
            Double top1 = MetricsTable.valueOf(r, ZEROSHOT_TOP1);
            Double top5 = MetricsTable.valueOf(r, ZEROSHOT_TOP5);
            if (top1 != null || top5 != null) {
                rows.add(Arrays.asList(MetricsTable.stepOf(r), top1, top5));
            }
        }
        return rows;
    }
}
