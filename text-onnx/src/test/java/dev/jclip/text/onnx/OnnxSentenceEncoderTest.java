package dev.jclip.text.onnx;

import dev.jclip.text.CachedSentenceEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** all-MiniLM-L6-v2 through ONNX Runtime (the int8 variant, 23 MB, keeps the test fast). */
class OnnxSentenceEncoderTest {
    static OnnxSentenceEncoder enc;

    @BeforeAll
    static void open() {
        enc = OnnxEncoders.openEncoder("minilm-q", 2);
    }

    @AfterAll
    static void close() {
        enc.close();
    }

    static double cos(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void unitVectorsOf384() {
        float[][] v = enc.encode(List.of("a photo of a cat", "x", "a much longer sentence about a dalmatian and an okapi"));
        assertEquals(384, enc.dim());
        assertEquals(3, v.length);
        for (float[] r : v) {
            assertEquals(384, r.length);
            assertEquals(1.0, Math.sqrt(cos(r, r)), 1e-5);
        }
        assertTrue(enc.id().startsWith("minilm-q-"), enc.id());
    }

    @Test
    void similarMeaningsAreCloser() {
        float[][] v = enc.encode(List.of("a photo of a cat", "a picture of a kitten", "a photo of a motorbike",
                "an image of an airplane", "a jet plane in the sky", "a bowl of soup"));
        assertTrue(cos(v[0], v[1]) > cos(v[0], v[2]) + 0.1, cos(v[0], v[1]) + " vs " + cos(v[0], v[2]));
        assertTrue(cos(v[3], v[4]) > cos(v[3], v[5]) + 0.1, cos(v[3], v[4]) + " vs " + cos(v[3], v[5]));
        // all-MiniLM-L6-v2 puts paraphrases well above 0.6 and unrelated phrases below 0.3
        assertTrue(cos(v[0], v[1]) > 0.6, "cat/kitten " + cos(v[0], v[1]));
        assertTrue(cos(v[0], v[5]) < 0.3, "cat/soup " + cos(v[0], v[5]));
    }

    @Test
    void aVectorDoesNotDependOnItsBatch() {
        float[] alone = enc.encode(List.of("a photo of a cat"))[0];
        float[] batched = enc.encode(List.of("a photo of a cat", "a very long caption ".repeat(20)))[0];
        assertArrayEquals(alone, batched, 0f);
    }

    @Test
    void fullPrecisionModelIsPaddingInvariantAndAgreesWithTheQuantizedOne() {
        List<String> texts = List.of("a photo of a cat", "a sketch of a crocodile head", "the stop sign");
        try (OnnxSentenceEncoder full = OnnxEncoders.openEncoder("minilm", 2)) {
            // batched with padding up to a longer caption: the attention mask makes the padding irrelevant
            float[] alone = full.encode(List.of("a photo of a cat"))[0];
            float[] padded = full.encode(List.of("a photo of a cat", "a very long caption ".repeat(20)))[0];
            assertArrayEquals(alone, padded, 2e-6f);
            float[][] a = full.encode(texts), b = enc.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertTrue(cos(a[i], b[i]) > 0.9, texts.get(i) + ": " + cos(a[i], b[i]));
            }
            assertTrue(!full.id().equals(enc.id()));
        }
    }

    @Test
    void cacheAnswersFromDiskAndSurvivesATruncatedTail(@TempDir Path dir) throws Exception {
        List<String> texts = List.of("a photo of a cat", "a photo of a dog", "a photo of a cat");
        float[][] direct = enc.encode(texts);
        CachedSentenceEncoder c1 = CachedSentenceEncoder.at(dir, enc);
        float[][] first = c1.encode(texts);
        assertEquals(2, c1.misses());
        assertEquals(1, c1.hits());
        CachedSentenceEncoder c2 = CachedSentenceEncoder.at(dir, enc);
        float[][] second = c2.encode(texts);
        assertEquals(0, c2.misses());
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(direct[i], first[i], 0f);
            assertArrayEquals(direct[i], second[i], 0f);
        }
        Path f = dir.resolve(enc.id() + ".bin");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 7)); // a killed writer's half record
        CachedSentenceEncoder c3 = CachedSentenceEncoder.at(dir, enc);
        assertArrayEquals(direct[1], c3.encode(List.of("a photo of a dog"))[0], 0f);
        assertEquals(1, c3.misses());
    }
}
