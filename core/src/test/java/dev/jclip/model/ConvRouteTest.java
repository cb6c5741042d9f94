package dev.jclip.model;

import dev.jclip.Clip;
import dev.jclip.runtime.Kernel;
import dev.jclip.runtime.Machine;
import dev.jclip.runtime.Precision;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.tensor.Torch;
import dev.jclip.testing.Shared;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CPU on which oneDNN's convolutions die (the fault switch makes their probes die here, on any
 * machine): ResNets still run, on the matrix-product route, in fp32 within the reference
 * tolerance of the fixtures (1e-4), in bf16 within its drift (cosine ≥ 0.999), and for training
 * with the same gradients as oneDNN's convolutions.
 */
class ConvRouteTest {
    static final String ALL_CONVS = "conv1x1/fp32,conv1x1/bf16,conv3x3/fp32,conv3x3/bf16";

    @AfterEach
    void restore() {
        Machine.reset(null);
    }

    @Test
    void resnetMatchesTheFixturesWithoutOneDnnConvolutions(@TempDir Path dir) throws Exception {
        Path fixture = Shared.fixtures("models/rn-s");
        Map<String, HostTensor> io = SafeTensors.read(fixture.resolve("io.safetensors"));
        float[][] viaOneDnn = Clip.of(ModelLoader.load(fixture.resolve("openai_state_dict.pt")).model()).encodePixels(io.get("pixels"));

        Machine.reset(Machine.withCache(dir, ALL_CONVS));
        for (String id : ALL_CONVS.split(",")) {
            assertFalse(Machine.get().runs(Kernel.parse(id)), id);
        }
        ClipModel m = ModelLoader.load(fixture.resolve("openai_state_dict.pt")).model();
        Parity.Errors e = Parity.run(m, io);
        System.out.println("rn-s on the GEMM convolution route: " + e);
        assertTrue(e.image() <= ModelParityTest.FEATURE_TOL, e.toString());
        assertTrue(e.logits() <= ModelParityTest.LOGIT_TOL, e.toString());
        float[][] viaGemm = Clip.of(m).encodePixels(io.get("pixels"));
        assertFalse(Arrays.deepEquals(viaOneDnn, viaGemm), "the route did not run: features equal oneDNN's bit for bit");

        Clip bf16 = Clip.of(ModelLoader.load(fixture.resolve("openai_state_dict.pt")).model().setPrecision(Precision.BF16));
        double cos = Int8InferenceTest.minCosine(viaGemm, bf16.encodePixels(io.get("pixels")));
        System.out.printf("rn-s bf16 on the GEMM route vs fp32: cosine >= %.6f%n", cos);
        assertTrue(cos >= 0.999, "bf16 drift " + cos);
    }

    @Test
    void trainingGradientsAreThoseOfOneDnnConvolutions(@TempDir Path dir) throws Exception {
        Path fixture = Shared.fixtures("models/rn-s");
        Map<String, HostTensor> io = SafeTensors.read(fixture.resolve("io.safetensors"));
        float[] ref = firstConvGradient(fixture, io);
        Machine.reset(Machine.withCache(dir, ALL_CONVS));
        float[] routed = firstConvGradient(fixture, io);
        double scale = 0, err = 0;
        for (int i = 0; i < ref.length; i++) {
            scale = Math.max(scale, Math.abs(ref[i]));
            err = Math.max(err, Math.abs(ref[i] - routed[i]));
        }
        System.out.printf("rn-s stem gradient, GEMM route vs oneDNN: relative error %.2e%n", err / scale);
        assertTrue(err / scale <= 1e-4, "relative gradient error " + err / scale);
    }

    private static float[] firstConvGradient(Path fixture, Map<String, HostTensor> io) throws Exception {
        ClipModel m = ModelLoader.load(fixture.resolve("openai_state_dict.pt")).model();
        m.eval(); // batch statistics of a 2-image batch would amplify rounding in the gradient a thousandfold
        try (AutoGradMode g = new AutoGradMode(true)) {
            Tensor f = m.encodeImage(Torch.toTorchFloat(io.get("pixels")));
            f.mul(f).sum().backward();
            ModifiedResNet r = (ModifiedResNet) m.visual;
            return Torch.toFloatArray(r.conv1.weight.grad());
        }
    }
}
