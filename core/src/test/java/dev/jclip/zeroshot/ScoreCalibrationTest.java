package dev.jclip.zeroshot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScoreCalibrationTest {
    @Test
    void aHubClassMustBeatItsOwnBaseline() {
        // class 0 scores high on every reference image (a hub); class 1 varies
        float[][] reference = {{0.9f, 0.1f}, {0.8f, 0.3f}, {0.85f, 0.2f}, {0.95f, 0.0f}};
        ScoreCalibration c = ScoreCalibration.fit(reference);
        assertEquals(0.875, c.mean()[0], 1e-6);
        assertEquals(0.15, c.mean()[1], 1e-6);
        assertEquals(Math.sqrt((0.025 * 0.025 + 0.075 * 0.075 + 0.025 * 0.025 + 0.075 * 0.075) / 3), c.std()[0], 1e-6);
        // raw, class 0 wins (0.85 > 0.4); standardised, class 1 is far above its baseline and wins
        float[][] z = c.apply(new float[][]{{0.85f, 0.4f}});
        assertEquals((0.85 - 0.875) / c.std()[0], z[0][0], 1e-5);
        assertEquals((0.4 - 0.15) / c.std()[1], z[0][1], 1e-5);
        assertEquals(1, z[0][1] > z[0][0] ? 1 : 0);
    }

    @Test
    void refusesTooFewImagesAndMismatchedClasses() {
        assertThrows(IllegalArgumentException.class, () -> ScoreCalibration.fit(new float[][]{{1f, 2f}}));
        ScoreCalibration c = ScoreCalibration.fit(new float[][]{{1f, 2f}, {2f, 2f}});
        assertEquals(1e-6, c.std()[1], 0); // a constant column keeps a floor, so scores stay finite
        assertThrows(IllegalArgumentException.class, () -> c.apply(new float[][]{{1f, 2f, 3f}}));
    }
}
