package dev.jclip.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fixture image reproduces the reference uint8 tensor: lossless formats exactly, JPEG/WebP within tolerance;
 * and the float input the model gets is that tensor normalized, exactly.
 */
class PreprocessParityTest {
    @Test
    void everyCaseMatchesTheReference() throws Exception {
        Path dir = Shared.fixtures("preprocess");
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("cases.json").toFile()).get("cases");
        Map<String, HostTensor> expected = SafeTensors.read(dir.resolve("expected.safetensors"));
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format("%-34s %-5s %5s %9s %9s%n", "case", "mode", "exact", "max|Δ|", "mean|Δ|"));
        for (JsonNode c : cases) {
            String key = c.get("key").asText();
            int n = c.get("n_px").asInt();
            DecodedImage img = ImageDecoder.decode(dir.resolve("images").resolve(c.get("file").asText()));
            assertEquals(c.get("mode").asText(), img.mode().name(), "mode of " + key);
            ClipPreprocessor pre = ClipPreprocessor.of(n);
            byte[] mine = pre.toRgbU8(img);
            // the model input (for RGB a fused crop-and-lookup) is the normalized uint8 image, bit for bit
            float[] input = pre.preprocess(img), want = pre.normalize(mine);
            for (int i = 0; i < want.length; i++) {
                if (Float.floatToIntBits(input[i]) != Float.floatToIntBits(want[i])) {
                    failures.add(key + ": preprocess() differs from normalize(toRgbU8()) at " + i);
                    break;
                }
            }
            byte[] ref = expected.get(key).toByteArray();
            assertEquals(ref.length, mine.length, key);
            int max = 0;
            long sum = 0;
            for (int i = 0; i < ref.length; i++) {
                int d = Math.abs((mine[i] & 0xff) - (ref[i] & 0xff));
                max = Math.max(max, d);
                sum += d;
            }
            double mean = (double) sum / ref.length;
            boolean lossless = c.get("lossless").asBoolean();
            table.append(String.format("%-34s %-5s %5s %9d %9.4f%n", key, img.mode(), max == 0 ? "yes" : "no", max, mean));
            if (lossless ? max != 0 : (mean > 0.5 || max > 8)) {
                failures.add(key + " (max " + max + ", mean " + mean + ")");
            }
        }
        System.out.print(table);
        assertTrue(failures.isEmpty(), "cases off: " + failures);
    }
}
