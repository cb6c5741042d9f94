package dev.jclip.model;

import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention pool's inference step, computed without key and value projections, against the
 * reference step (the one with a graph), with biases far from zero, and after a weight change.
 * Where the packed product does not run, inference takes the reference step and must match too.
 */
class AttentionPoolTest {
    private static double relErr(AttentionPool2d pool, Tensor x) {
        Tensor ref;
        try (AutoGradMode grad = new AutoGradMode(true)) {
            ref = pool.forward(x).detach();
        }
        Tensor got;
        try (InferenceMode im = new InferenceMode()) {
            got = pool.forward(x);
        }
        return got.sub(ref).abs().max().item_double() / ref.abs().max().item_double();
    }

    @Test
    void foldedInferenceMatchesTheReference() {
        torch.manual_seed(21);
        AttentionPool2d pool = new AttentionPool2d(3, 64, 4, 32);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (var l : new dev.jclip.model.layers.Linear[]{pool.kProj, pool.qProj, pool.vProj, pool.cProj}) {
                torch.normal_(l.bias, 0.0, 2.0);
            }
        }
        pool.eval();
        Tensor x = torch.randn(5, 64, 3, 3).mul_(new Scalar(3.0));
        double e = relErr(pool, x);
        assertTrue(e < 1e-5, "folded pool against the reference: relative error " + e);
        try (NoGradGuard ng = new NoGradGuard()) {
            pool.kProj.weight.mul_(new Scalar(-1.5));
            pool.vProj.weight.mul_(new Scalar(0.5));
        }
        e = relErr(pool, x);
        assertTrue(e < 1e-5, "after a weight change: relative error " + e);
    }
}
