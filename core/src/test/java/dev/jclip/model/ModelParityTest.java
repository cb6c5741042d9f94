package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For every fixture model and every checkpoint format it has, the loaded model's image features,
 * text features and logits equal the reference outputs (≤ 1e-4; logits ≤ 1e-3).
 */
class ModelParityTest {
    static final double FEATURE_TOL = 1e-4, LOGIT_TOL = 1e-3;
    static final Map<String, String[]> FORMATS = Map.of(
            "openai_state_dict", new String[]{"openai_state_dict.pt", "io.safetensors"},
            "openai_jit", new String[]{"openai_jit.pt", "io.safetensors"},
            "open_clip_safetensors", new String[]{"open_clip_model.safetensors", "io.safetensors"},
            "openai_state_dict_fp16", new String[]{"openai_state_dict_fp16.pt", "io_fp16_weights.safetensors"},
            "open_clip_safetensors_fp16", new String[]{"open_clip_model_fp16.safetensors", "io_fp16_weights.safetensors"},
            "bf16_safetensors", new String[]{"model_bf16.safetensors", "io_bf16_weights.safetensors"},
            "hf_safetensors", new String[]{"hf", "io.safetensors"});

    static Stream<Arguments> cases() throws Exception {
        List<Arguments> out = new ArrayList<>();
        for (String model : List.of("vit-s", "vit-t", "rn-s")) {
            Path dir = Shared.fixtures("models/" + model);
            JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
            for (JsonNode f : meta.get("formats")) {
                String[] files = FORMATS.get(f.asText());
                if (files == null) {
                    throw new AssertionError("fixture format without a test: " + f.asText());
                }
                out.add(Arguments.of(model, f.asText(), files[0], files[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesReference(String model, String format, String weights, String io) throws Exception {
        Path dir = Shared.fixtures("models/" + model);
        ClipModel m = ModelLoader.load(dir.resolve(weights)).model();
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
        assertTrue(ClipConfig.fromJson(meta.get("config")).equals(m.config()), "inferred configuration of " + model);
        // the fp16/bf16 expectation files hold outputs only; their inputs are those of io.safetensors
        Map<String, HostTensor> ios = new HashMap<>(SafeTensors.read(dir.resolve("io.safetensors")));
        ios.putAll(SafeTensors.read(dir.resolve(io)));
        Parity.Errors e = Parity.run(m, ios);
        System.out.printf("parity %-6s %-28s %s%n", model, format, e);
        assertTrue(e.image() <= FEATURE_TOL, "image features " + e);
        assertTrue(e.text() <= FEATURE_TOL, "text features " + e);
        assertTrue(e.logits() <= LOGIT_TOL, "logits " + e);
    }
}
