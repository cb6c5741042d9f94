package dev.jclip.experiments.kernels;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;
import java.util.function.UnaryOperator;

/** QuickGELU x·σ(1.702x) on ViT-B/32's MLP activation [800, 3072], written several ways. */
public final class GeluPaths {
    private GeluPaths() {
    }

    public static void main(String[] args) {
        torch.set_num_threads(2);
        Scalar k = new Scalar(1.702), inv = new Scalar(1 / 1.702);
        String[] names = {"reference h*sigmoid(1.702h)", "t=1.702h; sigmoid_(t); t*=h", "silu_(h*=1.702); h/=1.702", "silu_(h) (1.702 folded)"};
        UnaryOperator<Tensor>[] ops = new UnaryOperator[]{
                (UnaryOperator<Tensor>) h -> h.mul(torch.sigmoid(h.mul(k))),
                (UnaryOperator<Tensor>) h -> torch.sigmoid_(h.mul(k)).mul_(h),
                (UnaryOperator<Tensor>) h -> torch.silu_(h.mul_(k)).mul_(inv),
                (UnaryOperator<Tensor>) h -> torch.silu_(h)};
        try (InferenceMode im = new InferenceMode()) {
            for (torch.ScalarType dt : new torch.ScalarType[]{torch.ScalarType.Float, torch.ScalarType.BFloat16}) {
                Tensor base = torch.randn(800, 3072).to(dt);
                Tensor ref = base.mul(torch.sigmoid(base.mul(k)));
                for (int i = 0; i < ops.length; i++) {
                    double best = 1e9;
                    for (int r = 0; r < 30; r++) {
                        try (PointerScope s = new PointerScope()) {
                            Tensor h = base.clone();
                            long t0 = System.nanoTime();
                            ops[i].apply(h);
                            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                        }
                    }
                    Tensor h = base.clone();
                    Tensor y = ops[i].apply(h);
                    double err = i == 3 ? Double.NaN : y.to(torch.ScalarType.Float).sub(ref.to(torch.ScalarType.Float)).abs().max().item_double();
                    System.out.printf(Locale.ROOT, "%s %-32s %.2f ms  maxdiff %.2g%n", dt, names[i], best, err);
                }
            }
        }
    }
}
