package dev.jclip.image;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The table-driven normalization gives the reference's float arithmetic, (v/255 − mean)/std, for every byte and channel. */
class NormalizeTest {
    @Test
    void everyByteValueOfEveryChannel() {
        byte[] chw = new byte[3 * 256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                chw[c * 256 + v] = (byte) v;
            }
        }
        float[] out = ClipPreprocessor.of(16).normalize(chw);
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                float want = (v / 255f - ClipPreprocessor.MEAN[c]) / ClipPreprocessor.STD[c];
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(out[c * 256 + v]), "channel " + c + " value " + v);
            }
        }
    }
}
