package dev.jclip.model;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFilesTest {
    @Test
    void saveAndReloadIdentically(@TempDir Path dir) throws Exception {
        ClipModel m = ModelLoader.load(Shared.fixtures("models/rn-s/openai_state_dict.pt")).model();
        Path f = dir.resolve("rn-s.safetensors");
        ModelFiles.save(m, f);
        ModelLoader.Loaded back = ModelLoader.load(f);
        assertEquals("jclip", back.format());
        assertEquals(m.config(), back.model().config());
        Map<String, HostTensor> a = StateDicts.toHost(m), b = StateDicts.toHost(back.model());
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toByteArray(), b.get(k).toByteArray(), k);
        }
    }

    @Test
    void mismatchedCheckpointNamesTheTensors(@TempDir Path dir) throws Exception {
        Map<String, HostTensor> sd = new LinkedHashMap<>(SafeTensors.read(Shared.fixtures("models/vit-t/open_clip_model.safetensors")));
        sd.remove("visual.ln_post.bias");
        sd.put("visual.extra.weight", HostTensor.ofFloats(new float[]{1}, 1));
        HostTensor proj = sd.get("visual.proj");
        sd.put("visual.ln_pre.weight", HostTensor.ofFloats(new float[65], 65));
        Path f = dir.resolve("bad.safetensors");
        SafeTensors.write(f, sd);
        StateDictMismatchException e = assertThrows(StateDictMismatchException.class, () -> ModelLoader.load(f));
        assertTrue(e.getMessage().contains("visual.ln_post.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("visual.extra.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("visual.ln_pre.weight [65] vs model [64]"), e.getMessage());
        assertTrue(Files.exists(f) && proj != null);
    }
}
