package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tensor.Torch;
import dev.jclip.testing.Shared;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every released preset builds exactly the reference keys and shapes, and inference gives the preset back. */
class PresetShapesTest {

    @ParameterizedTest
    @ValueSource(strings = {"RN50", "RN101", "RN50x4", "RN50x16", "RN50x64", "ViT-B-32", "ViT-B-16", "ViT-L-14",
            "ViT-L-14-336px"})
    void presetMatchesReleasedShapes(String file) throws Exception {
        Path p = Shared.fixtures("shapes/" + file + ".json");
        JsonNode root = new ObjectMapper().readTree(p.toFile());
        String name = root.get("name").asText();
        ClipConfig preset = ModelPresets.get(name);
        assertEquals(ClipConfig.fromJson(root.get("config")), preset, "preset of " + name);

        Map<String, long[]> expected = new LinkedHashMap<>();
        root.get("state_dict_shapes").fields().forEachRemaining(e -> {
            long[] s = new long[e.getValue().size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = e.getValue().get(i).asLong();
            }
            expected.put(e.getKey(), s);
        });
        assertEquals(preset, ConfigInference.infer(expected), "configuration inferred from the shapes of " + name);

        try (PointerScope scope = new PointerScope()) {
            ClipModel m = ClipModel.shapeOnly(preset);
            Map<String, Tensor> sd = m.stateDict();
            assertEquals(expected.keySet(), sd.keySet(), "state-dict keys of " + name);
            for (var e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), Torch.shape(sd.get(e.getKey())), e.getKey());
            }
            assertEquals(root.get("num_params").asLong(), m.parameterCount(), "parameter count of " + name);
        }
    }
}
