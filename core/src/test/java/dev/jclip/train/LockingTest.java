package dev.jclip.train;

import dev.jclip.model.ClipModel;
import dev.jclip.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LiT-style locking: frozen parameters stay bit-identical through training, the rest learn. */
class LockingTest {
    static Map<String, float[]> snapshot(ClipModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.namedParameters(false).forEach((k, v) -> out.put(k, Torch.toFloatArray(v)));
        return out;
    }

    @Test
    void lockedImageTowerWithLastGroupUnlockedAndLockedText(@TempDir Path dir) throws Exception {
        torch.manual_seed(11);
        ClipModel m = new ClipModel(TrainerResumeTest.CFG); // ViT, 2 image blocks, 2 text blocks
        List<String> frozenImage = Locking.lockImage(m, 1); // the head (ln_post, proj) stays trainable
        List<String> frozenText = Locking.lockText(m, 2);   // last block and the head stay trainable
        assertTrue(frozenImage.contains("visual.conv1.weight") && frozenImage.contains("visual.transformer.resblocks.1.mlp.c_fc.weight"));
        assertFalse(frozenImage.contains("visual.proj") || frozenImage.contains("visual.ln_post.weight"));
        assertTrue(frozenText.contains("token_embedding.weight") && frozenText.contains("transformer.resblocks.0.attn.in_proj_weight"));
        assertFalse(frozenText.contains("transformer.resblocks.1.attn.in_proj_weight") || frozenText.contains("text_projection"));

        Map<String, float[]> before = snapshot(m);
        TrainOptions o = new TrainOptions(3, 8, AdamW.Options.defaults(true), 1, "cosine", 0, 1.0,
                StepRunner.Options.plain(), 1, 1000, 1, 0, 1);
        new Trainer(m, o, new TrainerResumeTest.SyntheticSource(), TrainerResumeTest::tokenize, dir).run();
        Map<String, float[]> after = snapshot(m);
        for (String k : before.keySet()) {
            boolean frozen = frozenImage.contains(k) || frozenText.contains(k);
            if (frozen) {
                assertArrayEquals(before.get(k), after.get(k), k + " is locked but changed");
            } else {
                assertFalse(Arrays.equals(before.get(k), after.get(k)), k + " is trainable but did not change");
            }
        }
        Tensor ps = m.namedParameters(false).get("visual.conv1.weight");
        assertFalse(ps.requires_grad());
    }
}
