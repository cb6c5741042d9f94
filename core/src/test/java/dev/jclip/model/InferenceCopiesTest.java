package dev.jclip.model;

import dev.jclip.model.layers.Conv2d;
import dev.jclip.model.layers.Linear;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bf16 and int8 inference copies of a weight follow its in-place changes (a checkpoint load
 * into a model already switched to bf16 or int8, an optimizer step between evaluations) on the
 * eager kernels too, and a copy remade inside a forward pass's PointerScope outlives it.
 */
class InferenceCopiesTest {
    private static double relErr(Tensor a, Tensor b) {
        return torch.sub(a, b).abs().max().item_double() / b.abs().max().item_double();
    }

    private static Tensor inScope(java.util.function.Supplier<Tensor> f) {
        Tensor out;
        try (PointerScope s = new PointerScope()) {
            out = f.get().clone();
            out.retainReference();
        }
        return out;
    }

    @Test
    void linearCopiesFollowChangedWeights() {
        torch.manual_seed(11);
        Linear l = new Linear(64, 96);
        l.train(true); // the eager kernels: the packed copies are tested in PackedLinearTest
        Tensor x = torch.randn(5, 64);
        try (NoGradGuard ng = new NoGradGuard()) {
            l.kernels().prepareBf16();
            Tensor xb = x.to(torch.ScalarType.BFloat16);
            l.forward(xb);
            l.weight.mul_(new Scalar(-3.0));
            l.bias.add_(new Scalar(1.0));
            Tensor ref = torch.linear(x, l.weight, new TensorOptional(l.bias));
            Tensor got = inScope(() -> l.forward(xb)).to(torch.ScalarType.Float);
            assertTrue(relErr(got, ref) < 2e-2, "bf16 after a weight change " + relErr(got, ref));
            assertTrue(relErr(l.forward(xb).to(torch.ScalarType.Float), ref) < 2e-2, "the remade copy outlived its scope");

            l.kernels().release();
            l.kernels().prepareInt8();
            l.forward(x);
            l.weight.mul_(new Scalar(0.5));
            ref = torch.linear(x, l.weight, new TensorOptional(l.bias));
            got = inScope(() -> l.forward(x));
            assertTrue(relErr(got, ref) < 2e-2, "int8 after a weight change " + relErr(got, ref));
            assertTrue(relErr(l.forward(x), ref) < 2e-2, "the remade int8 copy outlived its scope");
        }
    }

    @Test
    void convolutionCopyFollowsChangedWeights() {
        torch.manual_seed(12);
        Conv2d c = new Conv2d(3, 16, 3, 1, 1);
        Tensor x = torch.randn(2, 3, 12, 12);
        try (NoGradGuard ng = new NoGradGuard()) {
            c.prepareBf16();
            Tensor xb = x.to(torch.ScalarType.BFloat16);
            c.forward(xb);
            c.weight.mul_(new Scalar(-2.0));
            Tensor ref = c.forward(x);
            Tensor got = inScope(() -> c.forward(xb)).to(torch.ScalarType.Float);
            assertTrue(relErr(got, ref) < 2e-2, "bf16 convolution after a weight change " + relErr(got, ref));
        }
    }
}
