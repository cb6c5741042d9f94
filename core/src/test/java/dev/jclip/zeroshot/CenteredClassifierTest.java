package dev.jclip.zeroshot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CenteredClassifierTest {
    @Test
    void subtractsTheMeanClassEmbeddingAndRenormalizes() {
        float[] a = Vectors.normalized(new float[]{1, 0.2f, 0}), b = Vectors.normalized(new float[]{0.2f, 1, 0});
        float[] c = Vectors.normalized(new float[]{0.6f, 0.6f, 0.5f});
        ZeroShotClassifier zs = ZeroShotClassifier.of(List.of("a", "b", "c"), new float[][]{a, b, c}).centered();
        float[][] w = zs.classEmbeddings();
        float[] mean = new float[3];
        for (int j = 0; j < 3; j++) {
            assertEquals(1.0, Math.sqrt(Vectors.dot(w[j], w[j])), 1e-6);
            float[] raw = new float[][]{a, b, c}[j].clone();
            for (int i = 0; i < 3; i++) {
                mean[i] = (a[i] + b[i] + c[i]) / 3;
            }
            float[] expect = new float[3];
            for (int i = 0; i < 3; i++) {
                expect[i] = raw[i] - mean[i];
            }
            expect = Vectors.normalized(expect);
            for (int i = 0; i < 3; i++) {
                assertEquals(expect[i], w[j][i], 1e-6);
            }
        }
        // two classes end up antipodal: the classifier decides by the side of their bisector only
        float[][] two = ZeroShotClassifier.of(List.of("a", "b"), new float[][]{a, b}).centered().classEmbeddings();
        for (int i = 0; i < 3; i++) {
            assertEquals(-two[0][i], two[1][i], 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> ZeroShotClassifier.of(List.of("a"), new float[][]{a}).centered());
    }
}
