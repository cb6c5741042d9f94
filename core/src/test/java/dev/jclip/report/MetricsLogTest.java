package dev.jclip.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsLogTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsOrderTypesAndOneLinePerRecord() throws Exception {
        Path f = dir.resolve("sub/metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(f)) {
            Map<String, Object> first = new LinkedHashMap<>();
            first.put("loss", 2.5);
            first.put("note", "multi\nline <b>");
            log.append(1, first);
            log.append(2, Map.of("loss", 2.25, "lr", 4e-4));
            log.append(Map.of("run", "abc"));
        }
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("{\"step\":1,\"loss\":2.5,"), lines.get(0));

        MetricsTable t = MetricsLog.read(f);
        assertEquals(3, t.size());
        assertEquals(0, t.unreadableLines());
        assertEquals("multi\nline <b>", t.rows().get(0).get("note"));
        assertEquals(List.of("step", "loss", "note", "lr", "run"), List.copyOf(t.keys()));
        assertArrayEquals(new double[]{2.5, 2.25}, t.column("loss"));
        assertArrayEquals(new double[]{4e-4}, t.column("lr"));
        assertArrayEquals(new long[]{1, 2}, t.steps());
        double[][] lr = t.series("lr");
        assertArrayEquals(new double[]{2}, lr[0]);
        assertArrayEquals(new double[]{4e-4}, lr[1]);
        assertTrue(t.has("lr"));
        assertTrue(!t.has("run"), "strings are not numeric");
    }

    @Test
    void nonFiniteValuesSurviveAsStrictJson() throws Exception {
        Path f = dir.resolve("m.jsonl");
        try (MetricsLog log = MetricsLog.open(f)) {
            log.append(1, Map.of("loss", Double.NaN));
            log.append(2, Map.of("loss", Double.POSITIVE_INFINITY));
        }
        // Python's json module writes bare NaN; that must read too.
        Files.writeString(f, "{\"step\":3,\"loss\":NaN}\n", java.nio.file.StandardOpenOption.APPEND);
        double[] loss = MetricsLog.read(f).column("loss");
        assertEquals(3, loss.length);
        assertTrue(Double.isNaN(loss[0]));
        assertEquals(Double.POSITIVE_INFINITY, loss[1]);
        assertTrue(Double.isNaN(loss[2]));
        assertTrue(Files.readAllLines(f).get(0).contains("\"NaN\""));
    }

    @Test
    void reopeningAppendsAndIsolatesATornLastLine() throws Exception {
        Path f = dir.resolve("m.jsonl");
        try (MetricsLog log = MetricsLog.open(f)) {
            log.append(1, Map.of("loss", 3.0));
        }
        // A run killed in the middle of a write.
        Files.writeString(f, "{\"step\":2,\"lo", java.nio.file.StandardOpenOption.APPEND);
        try (MetricsLog log = MetricsLog.open(f)) {
            log.append(2, Map.of("loss", 2.0));
        }
        MetricsTable t = MetricsLog.read(f);
        assertArrayEquals(new long[]{1, 2}, t.steps());
        assertArrayEquals(new double[]{3.0, 2.0}, t.column("loss"));
        assertEquals(1, t.unreadableLines());
    }

    @Test
    void truncateAfterStepKeepsEarlierRecordsAndMetadataThenAppends() throws Exception {
        Path f = dir.resolve("m.jsonl");
        try (MetricsLog log = MetricsLog.open(f)) {
            log.append(Map.of("run", "r1"));
            for (int s = 1; s <= 10; s++) {
                log.append(s, Map.of("loss", 10.0 - s));
            }
            log.append(5, Map.of("zeroshot_top1", 0.5));
        }
        String keptLine = Files.readAllLines(f).get(3);
        try (MetricsLog log = MetricsLog.open(f)) {
            assertEquals(4, log.truncateAfterStep(6), "steps 7 to 10");
            log.append(7, Map.of("loss", 0.5));
        }
        MetricsTable t = MetricsLog.read(f);
        assertArrayEquals(new long[]{1, 2, 3, 4, 5, 6, 5, 7}, t.steps());
        assertEquals("r1", t.rows().get(0).get("run"));
        assertArrayEquals(new double[]{9, 8, 7, 6, 5, 4, 0.5}, t.column("loss"));
        assertEquals(keptLine, Files.readAllLines(f).get(3), "kept lines are preserved byte for byte");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void rejectsAppendAfterCloseAndDuplicateStep() throws Exception {
        MetricsLog log = MetricsLog.open(dir.resolve("m.jsonl"));
        assertThrows(IllegalArgumentException.class, () -> log.append(1, Map.of("step", 2)));
        log.close();
        assertThrows(java.io.IOException.class, () -> log.append(Map.of("loss", 1.0)));
    }
}
