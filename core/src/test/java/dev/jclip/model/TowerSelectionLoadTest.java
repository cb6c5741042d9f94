package dev.jclip.model;

import dev.jclip.runtime.Precision;
import dev.jclip.Clip;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-tower loading: the loaded tower gives exactly the whole model's features, the other refuses
 * to run with a message that says how to load it, and from a model file the other tower's weights
 * are not even read.
 */
class TowersLoadTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"vit-s", "rn-s"})
    void eachTowerAloneMatchesTheWholeModel(String model) throws Exception {
        Map<String, HostTensor> io = SafeTensors.read(Shared.fixtures("models/" + model + "/io.safetensors"));
        Path file = tmp.resolve(model + ".safetensors");
        try (Clip whole = Clip.of(ModelLoader.load(Shared.fixtures("models/" + model + "/openai_state_dict.pt")).model())) {
            ModelFiles.save(whole.model(), file);
            float[][] img = whole.encodePixels(io.get("pixels"));
            float[][] txt = whole.encodeTokens(io.get("tokens"));
            // from the model file (filtered read) and from a TorchScript-free state dict (filtered copy)
            for (Path src : new Path[]{file, Shared.fixtures("models/" + model + "/openai_state_dict.pt")}) {
                try (Clip text = Clip.load(src.toString(), Precision.FP32, TowerSelection.TEXT);
                     Clip image = Clip.load(src.toString(), Precision.FP32, TowerSelection.IMAGE)) {
                    assertEquals(TowerSelection.TEXT, text.model().towers());
                    assertTrue(java.util.Arrays.deepEquals(txt, text.encodeTokens(io.get("tokens"))), "text tower alone differs");
                    assertTrue(java.util.Arrays.deepEquals(img, image.encodePixels(io.get("pixels"))), "image tower alone differs");
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> text.encodePixels(io.get("pixels")));
                    assertTrue(e.getMessage().contains("text tower only"), e.getMessage());
                    e = assertThrows(IllegalStateException.class, () -> image.encodeTexts(java.util.List.of("a dog")));
                    assertTrue(e.getMessage().contains("image tower only"), e.getMessage());
                }
            }
        }
    }

    @Test
    void otherPrecisionsPrepareOnlyTheLoadedTower() throws Exception {
        Map<String, HostTensor> io = SafeTensors.read(Shared.fixtures("models/vit-s/io.safetensors"));
        Path pt = Shared.fixtures("models/vit-s/openai_state_dict.pt");
        for (Precision p : new Precision[]{Precision.INT8, Precision.BF16}) {
            try (Clip whole = Clip.load(pt.toString(), p); Clip text = Clip.load(pt.toString(), p, TowerSelection.TEXT)) {
                assertEquals(p, text.precision());
                assertTrue(java.util.Arrays.deepEquals(whole.encodeTokens(io.get("tokens")), text.encodeTokens(io.get("tokens"))),
                        p + ": text tower alone differs from the whole model");
            }
        }
    }

    @Test
    void theFilteredReadSkipsTheOtherTowersTensors() throws Exception {
        Path file = tmp.resolve("m.safetensors");
        try (Clip whole = Clip.of(ModelLoader.load(Shared.fixtures("models/vit-s/openai_state_dict.pt")).model())) {
            ModelFiles.save(whole.model(), file);
        }
        var text = SafeTensors.readWithMetadata(file, TowerSelection.TEXT::includes).tensors();
        var image = SafeTensors.readWithMetadata(file, TowerSelection.IMAGE::includes).tensors();
        assertFalse(text.keySet().stream().anyMatch(k -> k.startsWith("visual.")));
        assertTrue(text.containsKey("text_projection") && text.containsKey("logit_scale"));
        assertFalse(image.containsKey("transformer.resblocks.0.attn.in_proj_weight"));
        assertTrue(image.containsKey("visual.proj") && image.containsKey("logit_scale"));
        assertEquals(SafeTensors.read(file).size() + 1, text.size() + image.size(), "logit_scale is in both, nothing else overlaps");
        assertArrayEquals(SafeTensors.read(file).get("text_projection").toFloatArray(), text.get("text_projection").toFloatArray());
    }
}
