package dev.jclip.cli;

import dev.jclip.model.ModelLoader;
import dev.jclip.model.StateDicts;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fine-tuning a released-format checkpoint with a locked image tower (LiT) from the command line. */
class FineTuneTest {
    @Test
    void fineTunesAnOpenAiCheckpointWithTheImageTowerLocked(@TempDir Path dir) throws Exception {
        Path ckpt = Shared.fixtures("models/vit-s/openai_state_dict.pt");
        Path out = dir.resolve("ft");
        CliRunner.Result r = CliRunner.run("train", "--pretrained", ckpt.toString(), "--lock-image",
                "--train-data", Shared.path("data/cifar10/test").toString(), "--batch-size", "16", "--steps", "3",
                "--warmup", "1", "--lr", "1e-3", "--workers", "1", "--no-report", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, HostTensor> before = StateDicts.toHost(ModelLoader.load(ckpt).model()), after = SafeTensors.read(out.resolve("model.safetensors"));
        String img = "visual.transformer.resblocks.0.mlp.c_fc.weight", txt = "transformer.resblocks.0.mlp.c_fc.weight";
        assertTrue(Arrays.equals(before.get(img).toFloatArray(), after.get(img).toFloatArray()), "locked image tower changed");
        assertFalse(Arrays.equals(before.get(txt).toFloatArray(), after.get(txt).toFloatArray()), "text tower did not train");
    }
}
