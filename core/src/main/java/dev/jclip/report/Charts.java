package dev.jclip.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PNG charts for training and evaluation results: line plots of metrics over steps, bar charts of
 * per-class accuracy, confusion-matrix heatmaps and k-shot accuracy curves. Drawing is headless
 * (see {@code java.awt.headless}); files are replaced atomically and parent folders created.
 *
 * <p>An x/y series is a {@code double[2][]}: {@code xy[0]} the x values, {@code xy[1]} the y
 * values, of equal length. Non-finite points (and non-positive ones on a log axis) are left out,
 * so a diverged loss does not blank the whole plot.
 */
public final class Charts {
    static {
        ChartStyle.headless();
    }

    // Markers hide the line shape once points are dense; below this they show where data was taken.
    private static final int MAX_POINTS_WITH_SHAPES = 40;
    private static final int MAX_BARS_VERTICAL = 12;
    private static final int MAX_BAR_LABELS = 30;

    private Charts() {
    }

    /** A line plot of one or more named series on linear axes. */
    public static void linePlot(String title, String xLabel, String yLabel, Map<String, double[][]> seriesNameToXY,
                                Path png, int width, int height) throws IOException {
        linePlot(title, xLabel, yLabel, seriesNameToXY, false, png, width, height);
    }

    /**
     * A line plot of one or more named series (drawn in map order, legend shown when there are
     * several), with a logarithmic y axis when {@code logY}.
     */
    public static void linePlot(String title, String xLabel, String yLabel, Map<String, double[][]> seriesNameToXY,
                                boolean logY, Path png, int width, int height) throws IOException {
        ChartStyle.savePng(lineChart(title, xLabel, yLabel, seriesNameToXY, logY), png, width, height);
    }

    /**
     * A bar per category (for example per-class accuracy), in map order. When every value lies in
     * [0, 1] the axis spans 0–1 so charts of different runs compare at a glance. Many categories
     * are drawn as horizontal bars so long class names stay readable.
     */
    public static void barChart(String title, String categoryLabel, String valueLabel,
                                Map<String, ? extends Number> values, Path png, int width, int height) throws IOException {
        ChartStyle.savePng(barChartOf(title, categoryLabel, valueLabel, values), png, width, height);
    }

    /**
     * Bars grouped by category, one colour per series (for example the accuracy of two
     * classifiers on several test sets), in map order, with a legend. The value axis spans 0–1
     * when every value lies in [0, 1], as in {@link #barChart}.
     */
    public static void groupedBarChart(String title, String categoryLabel, String valueLabel,
                                       Map<String, ? extends Map<String, ? extends Number>> seriesToValues,
                                       Path png, int width, int height) throws IOException {
        ChartStyle.savePng(groupedBarChartOf(title, categoryLabel, valueLabel, seriesToValues), png, width, height);
    }

    /**
     * A confusion-matrix heatmap sized from the number of classes. Rows are true classes, columns
     * predicted ones; cells show counts and are coloured by the share of their row, so rare
     * classes are as visible as common ones.
     */
    public static void heatmap(String title, String[] labels, long[][] confusion, Path png) throws IOException {
        int[] size = ConfusionHeatmap.defaultSize(labels);
        heatmap(title, labels, confusion, png, size[0], size[1]);
    }

    /** {@link #heatmap(String, String[], long[][], Path)} at a given image size. */
    public static void heatmap(String title, String[] labels, long[][] confusion, Path png,
                               int width, int height) throws IOException {
        ChartStyle.savePng(ConfusionHeatmap.chart(title, labels, confusion, width, height), png, width, height);
    }

    /**
     * Curves over a base-2 logarithmic x axis (k-shot accuracy at 1, 2, 4, 8, … shots) with a
     * dashed horizontal reference line (zero-shot accuracy) and a vertical marker at one x value
     * (the "effective shots" where the curve reaches the line).
     *
     * @param curves     named series; x values must be positive
     * @param lineName   legend name of the horizontal line; {@code lineY} NaN draws no line
     * @param markerName label of the vertical marker; {@code markerX} NaN or ≤ 0 draws no marker
     */
    public static void curveWithHorizontalLine(String title, String xLabel, String yLabel,
                                               Map<String, double[][]> curves, String lineName, double lineY,
                                               String markerName, double markerX,
                                               Path png, int width, int height) throws IOException {
        ChartStyle.savePng(kShotChart(title, xLabel, yLabel, curves, lineName, lineY, markerName, markerX),
                png, width, height);
    }

    static JFreeChart lineChart(String title, String xLabel, String yLabel, Map<String, double[][]> seriesNameToXY,
                                boolean logY) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> e : seriesNameToXY.entrySet()) {
            data.addSeries(toSeries(e.getKey(), e.getValue(), logY));
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        ValueAxis y;
        if (logY) {
            LogAxis ly = new LogAxis(yLabel);
            // Whole decades only: fractional exponents give labels like 6.31E-1.
            ly.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            ly.setNumberFormatOverride(new CompactFormat());
            y = ly;
        } else {
            NumberAxis ny = new NumberAxis(yLabel);
            ny.setAutoRangeIncludesZero(false);
            if (maxAbsY(data) < 1e-2) {
                // Learning rates: the default format writes the zero tick as "0E0".
                ny.setNumberFormatOverride(new CompactFormat());
            }
            y = ny;
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, ChartStyle.color(i));
            r.setSeriesStroke(i, ChartStyle.LINE);
            r.setSeriesShape(i, dot(6));
            r.setSeriesShapesVisible(i, data.getItemCount(i) <= MAX_POINTS_WITH_SHAPES);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setNoDataMessage("no data");
        return ChartStyle.chart(title, plot, data.getSeriesCount() > 1);
    }

    static JFreeChart barChartOf(String title, String categoryLabel, String valueLabel,
                                 Map<String, ? extends Number> values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        boolean unitInterval = true;
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
            double v = e.getValue() == null ? Double.NaN : e.getValue().doubleValue();
            unitInterval &= v >= 0 && v <= 1;
            data.addValue(Double.isFinite(v) ? v : null, valueLabel, e.getKey());
        }
        boolean horizontal = values.size() > MAX_BARS_VERTICAL;
        CategoryAxis cat = new CategoryAxis(categoryLabel);
        cat.setMaximumCategoryLabelWidthRatio(horizontal ? 0.4f : 1.5f);
        cat.setCategoryMargin(0.15);
        if (!horizontal && values.size() > 5) {
            cat.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        NumberAxis val = valueAxis(valueLabel, unitInterval && !values.isEmpty());
        BarRenderer r = flatBars();
        r.setSeriesPaint(0, ChartStyle.color(0));
        r.setMaximumBarWidth(0.08);
        if (values.size() <= MAX_BAR_LABELS) {
            r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", Numbers.decimal("0.###")));
            r.setDefaultItemLabelsVisible(true);
            r.setDefaultItemLabelFont(ChartStyle.TICK_FONT);
            r.setDefaultItemLabelPaint(ChartStyle.TEXT);
        }
        if (horizontal) {
            r.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
            r.setItemLabelAnchorOffset(4);
        }
        CategoryPlot plot = new CategoryPlot(data, cat, val, r);
        plot.setOrientation(horizontal ? PlotOrientation.HORIZONTAL : PlotOrientation.VERTICAL);
        // Values read along the bottom edge in both orientations.
        plot.setRangeAxisLocation(horizontal ? AxisLocation.BOTTOM_OR_RIGHT : AxisLocation.BOTTOM_OR_LEFT);
        plot.setNoDataMessage("no data");
        return ChartStyle.chart(title, plot, false);
    }

    /** A value axis: a fixed 0–1 range with headroom when every value is a fraction, else from zero. */
    private static NumberAxis valueAxis(String label, boolean unitInterval) {
        NumberAxis val = new NumberAxis(label);
        if (unitInterval) {
            // A little headroom above 1 so the value label of a perfect class is not clipped.
            val.setRange(0.0, 1.08);
            val.setTickUnit(new NumberTickUnit(0.1, Numbers.decimal("0.0")));
        } else {
            val.setAutoRangeIncludesZero(true);
            val.setUpperMargin(0.1);
        }
        return val;
    }

    /** Flat bars without shadow or outline. */
    private static BarRenderer flatBars() {
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        return r;
    }

    static JFreeChart groupedBarChartOf(String title, String categoryLabel, String valueLabel,
                                        Map<String, ? extends Map<String, ? extends Number>> seriesToValues) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        boolean unitInterval = true;
        int categories = 0;
        for (Map.Entry<String, ? extends Map<String, ? extends Number>> s : seriesToValues.entrySet()) {
            for (Map.Entry<String, ? extends Number> e : s.getValue().entrySet()) {
                double v = e.getValue() == null ? Double.NaN : e.getValue().doubleValue();
                unitInterval &= v >= 0 && v <= 1;
                data.addValue(Double.isFinite(v) ? v : null, s.getKey(), e.getKey());
            }
            categories = Math.max(categories, s.getValue().size());
        }
        CategoryAxis cat = new CategoryAxis(categoryLabel);
        cat.setCategoryMargin(0.2);
        if (categories > 5) {
            cat.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        NumberAxis val = valueAxis(valueLabel, unitInterval && data.getColumnCount() > 0);
        BarRenderer r = flatBars();
        r.setItemMargin(0.05);
        for (int i = 0; i < seriesToValues.size(); i++) {
            r.setSeriesPaint(i, ChartStyle.color(i));
        }
        if (categories * seriesToValues.size() <= MAX_BAR_LABELS) {
            r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", Numbers.decimal("0.###")));
            r.setDefaultItemLabelsVisible(true);
            r.setDefaultItemLabelFont(ChartStyle.TICK_FONT);
            r.setDefaultItemLabelPaint(ChartStyle.TEXT);
        }
        CategoryPlot plot = new CategoryPlot(data, cat, val, r);
        plot.setNoDataMessage("no data");
        return ChartStyle.chart(title, plot, seriesToValues.size() > 1);
    }

    static JFreeChart kShotChart(String title, String xLabel, String yLabel, Map<String, double[][]> curves,
                                 String lineName, double lineY, String markerName, double markerX) {
        boolean hasMarker = Double.isFinite(markerX) && markerX > 0;
        boolean hasLine = Double.isFinite(lineY);
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = hasLine ? lineY : Double.POSITIVE_INFINITY;
        double ymax = hasLine ? lineY : Double.NEGATIVE_INFINITY;
        Map<String, double[][]> checked = new LinkedHashMap<>();
        for (Map.Entry<String, double[][]> e : curves.entrySet()) {
            double[][] xy = e.getValue();
            checkXY(e.getKey(), xy);
            for (int i = 0; i < xy[0].length; i++) {
                if (!(xy[0][i] > 0)) {
                    throw new IllegalArgumentException("series '" + e.getKey() + "': x must be positive on a log axis, got " + xy[0][i]);
                }
                if (Double.isFinite(xy[1][i])) {
                    xmin = Math.min(xmin, xy[0][i]);
                    xmax = Math.max(xmax, xy[0][i]);
                    ymin = Math.min(ymin, xy[1][i]);
                    ymax = Math.max(ymax, xy[1][i]);
                }
            }
            checked.put(e.getKey(), xy);
        }
        if (hasMarker) {
            xmin = Math.min(xmin, markerX);
            xmax = Math.max(xmax, markerX);
        }
        if (xmin > xmax) {
            xmin = 1;
            xmax = 16;
        }
        // Half an octave of room on both sides keeps end points and labels off the frame.
        double lo = xmin / Math.sqrt(2);
        double hi = xmax * Math.sqrt(2);

        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> e : checked.entrySet()) {
            data.addSeries(toSeries(e.getKey(), e.getValue(), false));
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, ChartStyle.color(i));
            r.setSeriesStroke(i, ChartStyle.LINE);
            r.setSeriesShape(i, dot(7));
        }
        if (hasLine) {
            // A two-point series rather than a plot marker, so that the line gets a legend entry.
            XYSeries line = new XYSeries(lineName, false, true);
            line.add(lo, lineY);
            line.add(hi, lineY);
            int i = data.getSeriesCount();
            data.addSeries(line);
            r.setSeriesPaint(i, ChartStyle.TEXT);
            r.setSeriesStroke(i, ChartStyle.DASHED);
            r.setSeriesShapesVisible(i, false);
        }
        int legendEntries = data.getSeriesCount();
        if (hasLine && hasMarker) {
            // The crossing point as a one-point series: a data-space shape would be squashed by the log axis.
            XYSeries cross = new XYSeries(markerName + " crossing", false, true);
            cross.add(markerX, lineY);
            int i = data.getSeriesCount();
            data.addSeries(cross);
            r.setSeriesPaint(i, ChartStyle.TEXT);
            r.setSeriesShape(i, dot(10));
            r.setSeriesLinesVisible(i, false);
            r.setSeriesVisibleInLegend(i, false);
        }

        LogAxis x = new LogAxis(xLabel);
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(Math.max(1, Math.ceil(Math.log(hi / lo) / Math.log(2) / 12))));
        x.setNumberFormatOverride(Numbers.decimal("0.##"));
        x.setRange(lo, hi);
        NumberAxis y = new NumberAxis(yLabel);
        if (ymin <= ymax) {
            double pad = Math.max((ymax - ymin) * 0.1, 0.02);
            y.setRange(ymin - pad, ymax + pad);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setNoDataMessage("no data");
        if (hasMarker) {
            ValueMarker m = new ValueMarker(markerX, Color.GRAY, ChartStyle.DASHED);
            m.setLabel(markerName + " ≈ " + Numbers.decimal("0.##").format(markerX));
            m.setLabelFont(ChartStyle.TICK_FONT);
            m.setLabelPaint(ChartStyle.TEXT);
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            m.setLabelOffset(new RectangleInsets(4, 4, 4, 4));
            m.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            plot.addDomainMarker(m, Layer.BACKGROUND);
        }
        return ChartStyle.chart(title, plot, legendEntries > 1);
    }

    static XYSeries toSeries(String name, double[][] xy, boolean logY) {
        checkXY(name, xy);
        // Insertion order kept: logs are already in step order, and a resumed run may repeat steps.
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < xy[0].length; i++) {
            double x = xy[0][i];
            double y = xy[1][i];
            if (Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0)) {
                s.add(x, y);
            }
        }
        return s;
    }

    private static void checkXY(String name, double[][] xy) {
        if (xy == null || xy.length != 2 || xy[0] == null || xy[1] == null || xy[0].length != xy[1].length) {
            throw new IllegalArgumentException("series '" + name + "' must be {xs, ys} of equal length");
        }
    }

    private static double maxAbsY(XYSeriesCollection data) {
        double m = 0;
        for (int i = 0; i < data.getSeriesCount(); i++) {
            for (int j = 0; j < data.getItemCount(i); j++) {
                m = Math.max(m, Math.abs(data.getYValue(i, j)));
            }
        }
        return m;
    }

    private static Ellipse2D dot(double d) {
        return new Ellipse2D.Double(-d / 2, -d / 2, d, d);
    }
}
