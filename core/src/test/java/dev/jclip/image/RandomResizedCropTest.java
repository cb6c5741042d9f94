package dev.jclip.image;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomResizedCropTest {
    static DecodedImage gradient(int w, int h) {
        byte[] px = new byte[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i % w * 255 / w);
        }
        return DecodedImage.gray("g", w, h, px);
    }

    @Test
    void deterministicGivenTheSeedAndWithinScale() {
        RandomResizedCrop rrc = RandomResizedCrop.openClip(32);
        DecodedImage img = gradient(100, 80);
        float[] a = rrc.apply(img, new SplittableRandom(7)), b = rrc.apply(img, new SplittableRandom(7));
        assertArrayEquals(a, b);
        assertEquals(3 * 32 * 32, a.length);
        assertFalse(java.util.Arrays.equals(a, rrc.apply(img, new SplittableRandom(8))));
        for (int s = 0; s < 200; s++) {
            int[] box = rrc.box(100, 80, new SplittableRandom(s));
            double area = (double) box[2] * box[3] / (100 * 80);
            assertTrue(area > 0.85 && area <= 1.0, "area fraction " + area);
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 100 && box[1] + box[3] <= 80);
        }
        for (float v : a) {
            assertTrue(v > -2.2f && v < 2.7f, "normalized value " + v);
        }
    }
}
