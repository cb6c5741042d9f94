package dev.jclip.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.Serializable;

/** Builds confusion-matrix heatmaps for {@link Charts#heatmap}. */
final class ConfusionHeatmap {
    // Beyond these sizes the text would be unreadable, so it is left out rather than smeared.
    private static final int MIN_CELL_PX_FOR_COUNTS = 18;
    private static final int MAX_CLASSES_WITH_LABELS = 100;

    private ConfusionHeatmap() {
    }

    /** Width and height that give every class a readable cell, capped so 1000 classes still fit a screen. */
    static int[] defaultSize(String[] labels) {
        int n = Math.max(1, labels.length);
        int cell = n <= 10 ? 56 : n <= 25 ? 36 : n <= 60 ? 18 : Math.max(2, 1200 / n);
        int grid = Math.max(240, n * cell);
        int maxLen = 0;
        for (String l : labels) {
            maxLen = Math.max(maxLen, l == null ? 0 : l.length());
        }
        int labelPx = n <= MAX_CLASSES_WITH_LABELS ? Math.min(200, 7 * maxLen + 40) : 40;
        return new int[]{grid + labelPx + 150, grid + labelPx + 70};
    }

    static JFreeChart chart(String title, String[] labels, long[][] confusion, int width, int height) {
        int n = labels.length;
        if (confusion.length != n) {
            throw new IllegalArgumentException("confusion matrix has " + confusion.length + " rows for " + n + " labels");
        }
        double[] xs = new double[n * n];
        double[] ys = new double[n * n];
        double[] zs = new double[n * n];
        double[][] share = new double[n][n];
        for (int r = 0; r < n; r++) {
            if (confusion[r].length != n) {
                throw new IllegalArgumentException("confusion row " + r + " has " + confusion[r].length + " columns, expected " + n);
            }
            long total = 0;
            for (long c : confusion[r]) {
                if (c < 0) {
                    throw new IllegalArgumentException("negative count in confusion row " + r);
                }
                total += c;
            }
            for (int c = 0; c < n; c++) {
                int i = r * n + c;
                xs[i] = c;
                ys[i] = r;
                share[r][c] = total == 0 ? 0 : (double) confusion[r][c] / total;
                zs[i] = share[r][c];
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("confusion", new double[][]{xs, ys, zs});

        SymbolAxis x = axis("predicted", labels);
        SymbolAxis y = axis("true", labels);
        // Row 0 at the top, as a matrix is read.
        y.setInverted(true);
        x.setVerticalTickLabels(n > 4);

        XYBlockRenderer renderer = new XYBlockRenderer();
        RowShareScale scale = new RowShareScale();
        renderer.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setDomainAxisLocation(AxisLocation.BOTTOM_OR_LEFT);

        double cellPx = Math.min(width - 250.0, height - 150.0) / Math.max(1, n);
        if (cellPx >= MIN_CELL_PX_FOR_COUNTS) {
            int fontSize = (int) Math.max(8, Math.min(14, cellPx * 0.3));
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, fontSize);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    XYTextAnnotation t = new XYTextAnnotation(Long.toString(confusion[r][c]), c, r);
                    t.setFont(font);
                    // Light text on dark cells, dark text on light ones.
                    t.setPaint(share[r][c] > 0.55 ? Color.WHITE : ChartStyle.TEXT);
                    plot.addAnnotation(t);
                }
            }
        }

        JFreeChart chart = ChartStyle.chart(title, plot, false);
        NumberAxis legendAxis = new NumberAxis("share of true class");
        legendAxis.setRange(0, 1);
        legendAxis.setTickUnit(new NumberTickUnit(0.1, Numbers.decimal("0.0")));
        ChartStyle.styleAxis(legendAxis);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setStripWidth(12);
        legend.setSubdivisionCount(128);
        legend.setAxisOffset(4);
        legend.setMargin(new RectangleInsets(20, 12, 20, 4));
        legend.setFrame(BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend);
        return chart;
    }

    private static SymbolAxis axis(String name, String[] labels) {
        String[] safe = new String[labels.length];
        for (int i = 0; i < labels.length; i++) {
            safe[i] = labels[i] == null ? "" : labels[i];
        }
        SymbolAxis a = new SymbolAxis(name, safe);
        a.setGridBandsVisible(false);
        a.setRange(-0.5, labels.length - 0.5);
        ChartStyle.styleAxis(a);
        if (labels.length > MAX_CLASSES_WITH_LABELS) {
            a.setTickLabelsVisible(false);
            a.setTickMarksVisible(false);
            a.setLabel(name + " (" + labels.length + " classes)");
        }
        return a;
    }

    /** White for 0 through mid blue to dark blue for 1; a single hue so the order of shades is obvious. */
    static final class RowShareScale implements PaintScale, Serializable {
        private static final long serialVersionUID = 1L;
        private static final float[][] STOPS = {
            {0.0f, 255, 255, 255},
            {0.5f, 122, 174, 216},
            {1.0f, 18, 63, 122},
        };

        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double v = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
            for (int i = 1; i < STOPS.length; i++) {
                if (v <= STOPS[i][0]) {
                    float[] a = STOPS[i - 1];
                    float[] b = STOPS[i];
                    double t = (v - a[0]) / (b[0] - a[0]);
                    return new Color(mix(a[1], b[1], t), mix(a[2], b[2], t), mix(a[3], b[3], t));
                }
            }
            float[] last = STOPS[STOPS.length - 1];
            return new Color((int) last[1], (int) last[2], (int) last[3]);
        }

        private static int mix(float a, float b, double t) {
            return (int) Math.round(a + (b - a) * t);
        }
    }
}
