package dev.jclip.runtime;

import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The matrix-product route for convolutions computes what oneDNN's convolution does, forward and
 * backward, for every convolution shape CLIP has: ResNet 1×1 and 3×3 (stride 1 and the stem's
 * stride 2) and the ViT patch embedding.
 */
class ConvsTest {

    @ParameterizedTest(name = "k{0} s{1} p{2}")
    @CsvSource({"1,1,0", "3,1,1", "3,2,1", "8,8,0"})
    void gemmRouteEqualsOneDnn(int k, int stride, int pad) {
        torch.manual_seed(1);
        Tensor x = torch.randn(2, 16, 24, 24), w = torch.randn(12, 16, k, k);
        try (AutoGradMode grad = new AutoGradMode(true)) {
            Tensor xa = x.detach().requires_grad_(true), xb = x.detach().requires_grad_(true);
            Tensor wa = w.detach().requires_grad_(true), wb = w.detach().requires_grad_(true);
            Tensor ya = Convs.oneDnn(xa, wa, stride, pad), yb = Convs.gemm(xb, wb, stride, pad);
            assertArrayEquals(ya.sizes().vec().get(), yb.sizes().vec().get());
            Tensor g = torch.randn_like(ya);
            ya.mul(g).sum().backward();
            yb.mul(g).sum().backward();
            assertClose(ya, yb, "output");
            assertClose(xa.grad(), xb.grad(), "input gradient");
            assertClose(wa.grad(), wb.grad(), "weight gradient");
        }
    }

    private static void assertClose(Tensor a, Tensor b, String what) {
        double scale = a.abs().max().item_double();
        double err = a.sub(b).abs().max().item_double() / scale;
        assertTrue(err <= 1e-5, what + ": relative error " + err);
    }
}
