package dev.jclip.model;

import dev.jclip.runtime.Kernel;
import dev.jclip.runtime.Machine;
import dev.jclip.runtime.PackedLinear;
import dev.jclip.runtime.Precision;
import dev.jclip.tensor.Torch;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Float32 inference on oneDNN's prepacked linear layers ({@link PackedLinear}): the same features
 * as the reference path (gradients on, OpenBLAS), copies that follow in-place weight changes, and
 * the OpenBLAS route when the kernel fails its probe.
 */
class PackedLinearTest {
    private static double relErr(Tensor a, Tensor b) {
        return torch.sub(a, b).abs().max().item_double() / b.abs().max().item_double();
    }

    private static Tensor[] reference(ClipModel m, Tensor px, Tensor tokens) {
        try (AutoGradMode grad = new AutoGradMode(true)) {
            return new Tensor[]{m.encodeImage(px).detach(), m.encodeText(tokens).detach()};
        }
    }

    private static Tensor[] inference(ClipModel m, Tensor px, Tensor tokens) {
        try (NoGradGuard ng = new NoGradGuard()) {
            assertEquals(Machine.get().packedLinear(), PackedLinear.serves(px), "fp32 no-grad inference takes the packed path where it runs");
            return new Tensor[]{m.encodeImage(px), m.encodeText(tokens)};
        }
    }

    private static Tensor tokens() {
        long[] flat = new long[2 * 77];
        for (int i = 0; i < 2; i++) {
            flat[i * 77] = 49406;
            flat[i * 77 + 1] = 320 + i;
            flat[i * 77 + 2] = 49407;
        }
        return Torch.longs(flat, 2, 77);
    }

    @Test
    void packedMatchesTheReferenceAndFollowsChangedWeights() {
        torch.manual_seed(5);
        ClipModel m = new ClipModel(ModelPresets.get("ViT-Tiny/8-32px"));
        m.eval();
        Tensor px = torch.randn(3, 3, 32, 32), tk = tokens();
        Tensor[] ref = reference(m, px, tk), got = inference(m, px, tk);
        assertTrue(relErr(got[0], ref[0]) < 1e-5, "image " + relErr(got[0], ref[0]));
        assertTrue(relErr(got[1], ref[1]) < 1e-5, "text " + relErr(got[1], ref[1]));
        // in-place changes (a checkpoint load, an optimizer step) bump the versions: the copies must follow
        VisionTransformer v = (VisionTransformer) m.visual;
        try (NoGradGuard ng = new NoGradGuard()) {
            v.transformer.blocks().get(1).cFc.weight.mul_(new Scalar(3.0));
            v.proj.mul_(new Scalar(-2.0));
            v.conv1.weight.mul_(new Scalar(0.5)); // the patch product multiplies by a view of it
            m.transformer.blocks().get(0).attn.inProjWeight.mul_(new Scalar(0.25));
            m.textProjection.mul_(new Scalar(1.5));
        }
        ref = reference(m, px, tk);
        got = inference(m, px, tk);
        assertTrue(relErr(got[0], ref[0]) < 1e-5, "image after a weight change " + relErr(got[0], ref[0]));
        assertTrue(relErr(got[1], ref[1]) < 1e-5, "text after a weight change " + relErr(got[1], ref[1]));
    }

    @Test
    void bf16InferenceRunsPackedWhereItPaysAndFollowsChangedWeights() {
        torch.manual_seed(6);
        dev.jclip.model.layers.Linear l = new dev.jclip.model.layers.Linear(256, 384);
        l.eval();
        l.kernels().prepareBf16();
        Tensor x = torch.randn(4, 50, 256);
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor xb = x.to(torch.ScalarType.BFloat16);
            assertEquals(Machine.get().packedLinear(Precision.BF16), PackedLinear.serves(xb),
                    "bf16 no-grad inference takes the packed path where its probe passed and paid");
            Tensor ref = torch.linear(x, l.weight, new org.bytedeco.pytorch.TensorOptional(l.bias));
            Tensor got = l.forward(xb);
            assertTrue(Torch.isBf16(got), "bf16 in, bf16 out");
            assertTrue(relErr(got.to(torch.ScalarType.Float), ref) < 2e-2, "bf16 drift " + relErr(got.to(torch.ScalarType.Float), ref));
            if (PackedLinear.serves(xb)) {
                // the packed copy is made from the float32 weight and follows its in-place changes
                l.weight.mul_(new Scalar(-2.0));
                ref = torch.linear(x, l.weight, new org.bytedeco.pytorch.TensorOptional(l.bias));
                got = l.forward(xb);
                assertTrue(relErr(got.to(torch.ScalarType.Float), ref) < 2e-2, "after a weight change " + relErr(got.to(torch.ScalarType.Float), ref));
            }
        }
    }

    @Test
    void trainingPassesWithoutAGraphKeepTheReferenceKernels() {
        // a training step encodes micro-batches without a graph and again with one: the two must agree exactly
        torch.manual_seed(6);
        ClipModel m = new ClipModel(ModelPresets.get("ViT-Tiny/8-32px"));
        m.train(true);
        Tensor px = torch.randn(3, 3, 32, 32), tk = tokens();
        Tensor[] ref = reference(m, px, tk);
        Tensor[] noGraph;
        try (NoGradGuard ng = new NoGradGuard()) {
            noGraph = new Tensor[]{m.encodeImage(px), m.encodeText(tk)};
        }
        assertEquals(0.0, torch.sub(noGraph[0], ref[0]).abs().max().item_double(), "image");
        assertEquals(0.0, torch.sub(noGraph[1], ref[1]).abs().max().item_double(), "text");
    }

    @Test
    void aModelBuiltUnderInferenceModeRuns() {
        try (InferenceMode im = new InferenceMode()) {
            ClipModel m = new ClipModel(ModelPresets.get("ViT-Tiny/8-32px"));
            m.eval();
            assertEquals(2, m.encodeImage(torch.randn(2, 3, 32, 32)).size(0));
            assertEquals(2, m.encodeText(tokens()).size(0));
        }
    }

    @Test
    void aFailedProbeRoutesToOpenBlas(@TempDir Path cache) {
        Machine before = Machine.get();
        Machine faulty = Machine.withCache(cache, "packed_linear/fp32");
        try {
            Machine.reset(faulty);
            assertFalse(faulty.packedLinear(), "a kernel that crashed its probe must not run");
            assertFalse(faulty.verdicts().get(new Kernel(Kernel.Family.PACKED_LINEAR, Precision.FP32)).ok());
            try (NoGradGuard ng = new NoGradGuard()) {
                Tensor x = torch.randn(4, 8);
                assertFalse(PackedLinear.serves(x));
                ClipModel m = new ClipModel(ModelPresets.get("ViT-Tiny/8-32px"));
                m.eval();
                assertEquals(2, m.encodeImage(torch.randn(2, 3, 32, 32)).size(0));
            }
        } finally {
            Machine.reset(before);
        }
    }
}
