package dev.jclip.cli;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** info, embed and classify on the fixture models. */
class ModelCommandsTest {
    @Test
    void embedPixelsAndTokensMatchTheReference(@TempDir Path dir) throws Exception {
        Path m = Shared.fixtures("models/rn-s/openai_jit.pt");
        Path io = Shared.fixtures("models/rn-s/io.safetensors");
        Map<String, HostTensor> ref = SafeTensors.read(io);
        for (String[] kind : new String[][]{{"--pixels", "image_features"}, {"--tokens", "text_features"}}) {
            Path out = dir.resolve(kind[1] + ".safetensors");
            CliRunner.Result r = CliRunner.run("embed", "--model", m.toString(), kind[0], io.toString(), "--out", out.toString());
            assertEquals(0, r.exitCode(), r.err());
            float[] mine = SafeTensors.read(out).get(kind[1]).toFloatArray(), theirs = ref.get(kind[1]).toFloatArray();
            double max = 0;
            for (int i = 0; i < mine.length; i++) {
                max = Math.max(max, Math.abs(mine[i] - theirs[i]));
            }
            assertTrue(max <= 1e-4, kind[1] + " off by " + max);
        }
    }

    @Test
    void classifyAndInfo() {
        Path m = Shared.fixtures("models/vit-s/openai_state_dict.pt");
        CliRunner.Result r = CliRunner.run("classify", "--model", m.toString(), "--labels", "cat,dog,rocket",
                "--top", "2", "--json", Shared.fixtures("preprocess/images/chelsea.png").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"top\":[{"), r.out());
        CliRunner.Result i = CliRunner.run("info", "--model", m.toString(), "--json");
        assertEquals(0, i.exitCode(), i.err());
        assertTrue(i.out().contains("\"parameters\" : 3777089"), i.out());
        CliRunner.Result p = CliRunner.run("info", "--preset", "ViT-L/14@336px");
        assertTrue(p.out().contains("427,944,193"), p.out());
    }

    @Test
    void benchSavesTheModelItTimes(@TempDir Path dir) throws Exception {
        String cfg = "{\"embed_dim\": 32, \"image_resolution\": 32, \"vision_layers\": 1, \"vision_width\": 64, "
                + "\"vision_patch_size\": 16, \"vocab_size\": 49408, \"transformer_width\": 32, \"transformer_heads\": 1, "
                + "\"transformer_layers\": 1, \"context_length\": 77}";
        Path f = dir.resolve("random.safetensors");
        CliRunner.Result r = CliRunner.run("bench", "--config", cfg, "--save-model", f.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("seed 0"), r.out());
        Path g = dir.resolve("again.safetensors");
        assertEquals(0, CliRunner.run("bench", "--config", cfg, "--save-model", g.toString()).exitCode());
        // seeded: the same weights every time, so the file is the benchmark's model
        Map<String, HostTensor> a = SafeTensors.read(f), b = SafeTensors.read(g);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertTrue(java.util.Arrays.equals(a.get(k).toByteArray(), b.get(k).toByteArray()), k);
        }
        try (dev.jclip.Clip clip = dev.jclip.Clip.load(f.toString())) {
            assertEquals(32, clip.config().embedDim());
        }
    }
}
