package dev.jclip.util;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
    private long now;

    private String printed() {
        return sink.toString(StandardCharsets.UTF_8);
    }

    private ProgressBar bar(String label, long total, String unit) {
        return new ProgressBar(label, total, unit, out, () -> now);
    }

    @Test
    void showsPercentMegabytesRateAndEta() {
        ProgressBar bar = bar("m.pt", 100_000_000L, "B");
        now = 4_000_000_000L;
        bar.update(40_000_000L);
        String line = bar.render();
        assertTrue(line.startsWith("m.pt  40% [#########..............."), line);
        assertTrue(line.contains("40.0/100.0 MB"), line);
        assertTrue(line.contains("10.0 MB/s"), line);
        assertTrue(line.contains("ETA 0:06"), line);
        assertTrue(printed().startsWith("\r"), "redrawn in place");
    }

    @Test
    void redrawsAtMostFiveTimesPerSecond() {
        ProgressBar bar = bar("x", 1000, "B");
        for (int i = 1; i <= 1000; i++) {
            now = i * 1_000_000L; // 1000 updates over one second
            bar.update(i);
        }
        long draws = printed().chars().filter(c -> c == '\r').count();
        assertTrue(draws >= 5 && draws <= 6, "draws: " + draws);
        bar.finish();
        bar.finish();
        assertTrue(printed().endsWith("\n"));
        assertEquals(1, printed().chars().filter(c -> c == '\n').count(), "finish is idempotent");
        String lastLine = printed().substring(printed().lastIndexOf('\r') + 1);
        assertTrue(lastLine.contains("100%") && lastLine.contains(" in 0:01"), lastLine);
    }

    @Test
    void shorterLinesBlankOutTheRestOfTheLongerOne() {
        ProgressBar bar = bar("x", -1, "img");
        now = 1_000_000_000L;
        bar.update(123_456_789L);
        now += ProgressBar.REDRAW_NANOS;
        bar.update(5);
        String[] draws = printed().split("\r");
        assertEquals(draws[1].length(), draws[2].length());
    }

    @Test
    void unknownTotalShowsCountRateAndElapsed() {
        ProgressBar bar = bar("train", 0, "img");
        now = 2_000_000_000L;
        bar.update(64);
        String line = bar.render();
        assertTrue(line.equals("train 64 img  32.0 img/s  in 0:02"), line);
    }

    @Test
    void rateIsUnknownBeforeAnyTimePasses() {
        ProgressBar bar = bar("x", 10, "step");
        String line = bar.render();
        assertTrue(line.contains("-- step/s") && line.contains("ETA --:--"), line);
    }

    @Test
    void silentBarPrintsNothing() {
        ProgressBar bar = ProgressBar.silent("x", 10, "B");
        bar.update(5);
        bar.finish();
        assertEquals(5, bar.done());
    }

    @Test
    void formatsDurations() {
        assertEquals("0:00", ProgressBar.formatDuration(Duration.ZERO));
        assertEquals("1:05", ProgressBar.formatDuration(Duration.ofSeconds(65)));
        assertEquals("1:00:01", ProgressBar.formatDuration(Duration.ofSeconds(3601)));
        assertEquals("12.5 MB/s", ProgressBar.formatRate(12_500_000, "B"));
        assertEquals("3.0 it/s", ProgressBar.formatRate(3, "it"));
    }
}
