package dev.jclip.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** The shared look of jclip's charts and the PNG writer they all go through. */
final class ChartStyle {
    static {
        headless();
    }

    static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    static final Color TEXT = new Color(0x22, 0x22, 0x22);
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Stroke LINE = new BasicStroke(2.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    static final Stroke THIN_LINE = new BasicStroke(1.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    static final Stroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[]{6f, 4f}, 0f);

    // Hues far enough apart to tell ten series apart, and dark enough to read on white.
    private static final Color[] PALETTE = {
        new Color(0x1F, 0x6F, 0xB4), new Color(0xE0, 0x7A, 0x1F), new Color(0x2E, 0x9A, 0x48),
        new Color(0xC8, 0x37, 0x37), new Color(0x7D, 0x5B, 0xA6), new Color(0x8C, 0x5E, 0x3C),
        new Color(0xD0, 0x5F, 0xAE), new Color(0x66, 0x66, 0x66), new Color(0xA3, 0xA3, 0x20),
        new Color(0x1F, 0xA8, 0xB8),
    };

    private ChartStyle() {
    }

    /**
     * Selects headless AWT unless the application chose already. Charts are drawn on servers and
     * in CI without a display, and AWT reads the setting once, so it must happen before the first
     * drawing; a desktop front end that set the property keeps its choice.
     */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The i-th series colour (cycling). */
    static Color color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** {@code c} blended toward white, for secondary series drawn behind a main one. */
    static Color faded(Color c, double amount) {
        int r = (int) Math.round(c.getRed() + (255 - c.getRed()) * amount);
        int g = (int) Math.round(c.getGreen() + (255 - c.getGreen()) * amount);
        int b = (int) Math.round(c.getBlue() + (255 - c.getBlue()) * amount);
        return new Color(r, g, b);
    }

    /** A chart around {@code plot}, styled, with a legend only when there is more than one series to name. */
    static JFreeChart chart(String title, Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        chart.setPadding(new RectangleInsets(8, 8, 8, 12));
        TextTitle t = chart.getTitle();
        if (t != null) {
            t.setPaint(TEXT);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(GRID);
            xy.setRangeGridlinePaint(GRID);
            xy.setDomainGridlineStroke(THIN_LINE);
            xy.setRangeGridlineStroke(THIN_LINE);
            xy.setAxisOffset(RectangleInsets.ZERO_INSETS);
            styleAxis(xy.getDomainAxis());
            styleAxis(xy.getRangeAxis());
        } else if (plot instanceof CategoryPlot cp) {
            cp.setRangeGridlinePaint(GRID);
            cp.setRangeGridlineStroke(THIN_LINE);
            cp.setDomainGridlinesVisible(false);
            cp.setAxisOffset(RectangleInsets.ZERO_INSETS);
            styleAxis(cp.getDomainAxis());
            styleAxis(cp.getRangeAxis());
        }
        LegendTitle lt = chart.getLegend();
        if (lt != null) {
            lt.setFrame(BlockBorder.NONE);
            lt.setItemFont(LABEL_FONT);
            lt.setPosition(RectangleEdge.BOTTOM);
            lt.setBackgroundPaint(Color.WHITE);
        }
        return chart;
    }

    static void styleAxis(Axis axis) {
        if (axis == null) {
            return;
        }
        axis.setLabelFont(LABEL_FONT);
        axis.setLabelPaint(TEXT);
        axis.setTickLabelFont(TICK_FONT);
        axis.setTickLabelPaint(TEXT);
        axis.setAxisLinePaint(Color.GRAY);
        axis.setTickMarkPaint(Color.GRAY);
    }

    /** Renders {@code chart} at {@code width × height} pixels and writes it as a PNG, atomically. */
    static void savePng(JFreeChart chart, Path png, int width, int height) throws IOException {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        // Opaque RGB: the background is white anyway, and it keeps files smaller than ARGB.
        BufferedImage img = chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", bytes)) {
            throw new IOException("no PNG writer available");
        }
        AtomicFiles.write(png, bytes.toByteArray());
    }
}
