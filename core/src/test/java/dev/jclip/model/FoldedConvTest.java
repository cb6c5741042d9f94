package dev.jclip.model;

import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ResNet inference path with batch norm folded into the convolutions (model.layers.ConvBn). */
class FoldedConvTest {
    private static double relErr(Tensor a, Tensor b) {
        return torch.sub(a, b).abs().max().item_double() / b.abs().max().item_double();
    }

    /** The same model with gradients on runs convolution and batch norm as separate modules. */
    private static Tensor unfused(ClipModel m, Tensor x) {
        try (AutoGradMode grad = new AutoGradMode(true)) {
            return m.encodeImage(x).detach();
        }
    }

    private static Tensor folded(ClipModel m, Tensor x) {
        try (NoGradGuard ng = new NoGradGuard()) {
            return m.encodeImage(x);
        }
    }

    @Test
    void foldedMatchesUnfusedAndFollowsChangedWeights() {
        torch.manual_seed(3);
        ClipModel m = new ClipModel(ModelPresets.get("RN-Tiny-32px"));
        m.eval();
        Tensor x = torch.randn(4, 3, 32, 32);
        double first = relErr(folded(m, x), unfused(m, x));
        assertTrue(first < 1e-5, "folded vs unfused: " + first);
        // an in-place change of a batch norm's statistics bumps its version: the folded copy must follow
        ModifiedResNet r = (ModifiedResNet) m.imageEncoder();
        try (NoGradGuard ng = new NoGradGuard()) {
            r.stages().get(0).get(0).bn2.runningVar.mul_(new Scalar(4.0));
            r.bn1.weight.mul_(new Scalar(0.5));
            r.stages().get(0).get(0).conv2.weight.mul_(new Scalar(-1.5));
        }
        double after = relErr(folded(m, x), unfused(m, x));
        assertTrue(after < 1e-5, "after changing the weights: " + after);
        // the weights were prepacked for oneDNN at batch 4: another batch size must still be right
        Tensor half = x.narrow(0, 0, 2);
        double other = relErr(folded(m, half), unfused(m, half));
        assertTrue(other < 1e-5, "another batch size than the one the weights were packed for: " + other);
    }

    @Test
    void aModelBuiltUnderInferenceModeRuns() {
        // its parameters are inference tensors, which have no version counter
        try (InferenceMode im = new InferenceMode()) {
            ClipModel m = new ClipModel(ModelPresets.get("RN-Tiny-32px"));
            m.eval();
            Tensor y = m.encodeImage(torch.randn(2, 3, 32, 32));
            assertEquals(2, y.size(0));
        }
    }
}
