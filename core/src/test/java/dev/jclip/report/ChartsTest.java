package dev.jclip.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChartsTest {
    @TempDir
    Path dir;

    static BufferedImage decode(Path png, int w, int h) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " does not decode");
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        return img;
    }

    @Test
    void linePlotsOnLinearAndLogAxesToleratingBadPoints() throws Exception {
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put("a", new double[][]{{0, 1, 2, 3}, {1, 0.5, Double.NaN, 0.1}});
        s.put("b", new double[][]{{0, 1, 2, 3}, {2, 1, 0, Double.POSITIVE_INFINITY}});
        Charts.linePlot("lines", "step", "value", s, dir.resolve("lin.png"), 640, 360);
        decode(dir.resolve("lin.png"), 640, 360);
        Charts.linePlot("lines", "step", "value", s, true, dir.resolve("log.png"), 300, 200);
        decode(dir.resolve("log.png"), 300, 200);
        Charts.linePlot("empty", "x", "y", Map.of(), dir.resolve("empty.png"), 100, 100);
        decode(dir.resolve("empty.png"), 100, 100);
        assertThrows(IllegalArgumentException.class, () -> Charts.linePlot("bad", "x", "y",
                Map.of("s", new double[][]{{1, 2}, {1}}), dir.resolve("bad.png"), 100, 100));
    }

    @Test
    void barChartsFewAndMany() throws Exception {
        Map<String, Double> few = new LinkedHashMap<>();
        few.put("cat", 0.9);
        few.put("dog", 1.0);
        few.put("<bird>", 0.35);
        Charts.barChart("per-class accuracy", "class", "accuracy", few, dir.resolve("few.png"), 500, 300);
        decode(dir.resolve("few.png"), 500, 300);
        Map<String, Integer> many = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            many.put("class " + i, i * 3);
        }
        Charts.barChart("counts", "class", "count", many, dir.resolve("many.png"), 500, 900);
        decode(dir.resolve("many.png"), 500, 900);
    }

    @Test
    void groupedBars() throws Exception {
        Map<String, Map<String, Double>> s = new LinkedHashMap<>();
        s.put("zero-shot", new LinkedHashMap<>(Map.of("test", 0.6)));
        s.get("zero-shot").put("blur", 0.5);
        s.put("linear probe", new LinkedHashMap<>(Map.of("test", 0.8)));
        s.get("linear probe").put("blur", Double.NaN);
        Charts.groupedBarChart("robustness", "test set", "top-1", s, dir.resolve("grouped.png"), 520, 320);
        decode(dir.resolve("grouped.png"), 520, 320);
    }

    @Test
    void heatmapDefaultsToAReadableSize() throws Exception {
        String[] labels = {"airplane", "car", "bird"};
        long[][] m = {{50, 3, 0}, {4, 40, 6}, {0, 0, 0}};
        Charts.heatmap("confusion", labels, m, dir.resolve("cm.png"));
        int[] size = ConfusionHeatmap.defaultSize(labels);
        decode(dir.resolve("cm.png"), size[0], size[1]);
        Charts.heatmap("confusion", labels, m, dir.resolve("cm2.png"), 400, 300);
        decode(dir.resolve("cm2.png"), 400, 300);
        assertThrows(IllegalArgumentException.class,
                () -> Charts.heatmap("bad", labels, new long[][]{{1, 2}, {3, 4}}, dir.resolve("bad.png")));
    }

    @Test
    void kShotCurveWithZeroShotLineAndMarker() throws Exception {
        Map<String, double[][]> curves = Map.of("linear probe",
                new double[][]{{1, 2, 4, 8, 16}, {0.31, 0.45, 0.58, 0.69, 0.77}});
        Charts.curveWithHorizontalLine("k-shot", "shots per class", "top-1", curves,
                "zero-shot", 0.62, "effective shots", 4.9, dir.resolve("k.png"), 700, 420);
        decode(dir.resolve("k.png"), 700, 420);
        Charts.curveWithHorizontalLine("k-shot", "shots", "top-1", curves,
                "zero-shot", Double.NaN, "effective shots", Double.NaN, dir.resolve("k2.png"), 300, 200);
        decode(dir.resolve("k2.png"), 300, 200);
        assertThrows(IllegalArgumentException.class, () -> Charts.curveWithHorizontalLine("k", "x", "y",
                Map.of("c", new double[][]{{0, 1}, {1, 2}}), "z", 0.5, "m", 1, dir.resolve("bad.png"), 100, 100));
    }
}
