package dev.jclip.model;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Features and logits equal the reference outputs for the fixture models (safetensors formats). */
class ModelParityTest {
    static final double FEATURE_TOL = 1e-4, LOGIT_TOL = 1e-3;

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
            "vit-t, open_clip_model.safetensors, io.safetensors",
            "vit-t, open_clip_model_fp16.safetensors, io_fp16_weights.safetensors",
            "vit-t, model_bf16.safetensors, io_bf16_weights.safetensors",
            "rn-s, open_clip_model.safetensors, io.safetensors",
    })
    void matchesReference(String model, String weights, String io) throws Exception {
        Path dir = Shared.fixtures("models/" + model);
        Map<String, HostTensor> sd = SafeTensors.read(dir.resolve(weights));
        ClipConfig cfg = ConfigInference.infer(StateDicts.shapes(sd));
        ClipModel m = new ClipModel(cfg);
        StateDicts.load(m, sd);
        // the fp16/bf16 expectation files hold outputs only; their inputs are those of io.safetensors
        Map<String, HostTensor> ios = new java.util.HashMap<>(SafeTensors.read(dir.resolve("io.safetensors")));
        ios.putAll(SafeTensors.read(dir.resolve(io)));
        Parity.Errors e = Parity.run(m, ios);
        System.out.printf("parity %s/%s: %s%n", model, weights, e);
        assertTrue(e.image() <= FEATURE_TOL, "image features " + e);
        assertTrue(e.text() <= FEATURE_TOL, "text features " + e);
        assertTrue(e.logits() <= LOGIT_TOL, "logits " + e);
    }
}
