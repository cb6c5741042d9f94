package dev.jclip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.ImageDecoder;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import dev.jclip.zeroshot.Templates;
import dev.jclip.zeroshot.ZeroShotClassifier;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vit-s from files to answers: strings → tokenizer → text features, image files → preprocessing
 * → image features, and the zero-shot classifier's weights and logits, against the reference.
 */
class EndToEndParityTest {
    static double maxAbs(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        }
        return out;
    }

    @Test
    void stringsAndFilesToFeaturesAndZeroShot() throws Exception {
        Path dir = Shared.fixtures("models/vit-s");
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
        Map<String, HostTensor> io = SafeTensors.read(dir.resolve("io.safetensors"));
        Clip clip = Clip.load(dir.resolve("openai_state_dict.pt").toString());

        List<String> texts = new ArrayList<>();
        meta.get("texts").forEach(t -> texts.add(t.asText()));
        HostTensor tokens = clip.tokenizer().tokenizeTensor(texts, 77, false);
        assertArrayEquals(io.get("text_tokens").toLongArray(), tokens.toLongArray(), "tokens of the strings");
        double text = maxAbs(flat(clip.encodeTexts(texts)), io.get("text_string_features").toFloatArray());

        List<Path> files = new ArrayList<>();
        meta.get("image_files").forEach(f -> files.add(Shared.fixtures("preprocess/images/" + f.asText())));
        HostTensor px = ClipPreprocessor.of(64).preprocessBatch(files, 2);
        double pixels = maxAbs(px.toFloatArray(), io.get("file_pixels").toFloatArray());
        float[][] imageFeatures = clip.encodeImages(files);
        double image = maxAbs(flat(imageFeatures), io.get("file_image_features").toFloatArray());

        List<String> classes = new ArrayList<>(), templates = new ArrayList<>();
        meta.get("zeroshot").get("classes").forEach(c -> classes.add(c.asText()));
        meta.get("zeroshot").get("templates").forEach(t -> templates.add(t.asText()));
        ZeroShotClassifier zs = clip.zeroShot(classes, new Templates("fixture", templates));
        double weights = maxAbs(zs.weights().toFloatArray(), io.get("zeroshot_weights").toFloatArray());
        double logits = maxAbs(flat(zs.logits(imageFeatures, 100)), io.get("zeroshot_logits").toFloatArray());

        System.out.printf("vit-s end to end: pixels %.2e, image features %.2e, text features %.2e, zero-shot weights %.2e, zero-shot logits %.2e%n",
                pixels, image, text, weights, logits);
        assertTrue(pixels <= 1e-6, "pixels " + pixels);
        assertTrue(image <= 1e-4 && text <= 1e-4, "features " + image + " / " + text);
        assertTrue(weights <= 1e-4, "zero-shot weights " + weights);
        assertTrue(logits <= 1e-3, "zero-shot logits " + logits);
    }
}
