package dev.jclip.experiments.kernels;

import dev.jclip.runtime.Cpu;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * A block's residual add after its output projections on the packed oneDNN kernel: the product
 * then {@code add_}, against the add in the product's epilogue ({@code mkldnn::_linear_pointwise.binary}).
 * Usage: {@code scripts/experiment.sh dev.jclip.experiments.kernels.ResidualPaths [ROUNDS]}.
 */
public final class ResidualPaths {
    private ResidualPaths() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        torch.set_num_threads(2);
        System.out.println("CPU: " + Cpu.get().modelName() + " (" + Cpu.get().describe() + ")");
        OperatorHandle lin = Dispatcher.singleton().findSchemaOrThrow("mkldnn::_linear_pointwise", "");
        OperatorHandle bin = Dispatcher.singleton().findSchemaOrThrow("mkldnn::_linear_pointwise", "binary");
        OperatorHandle reorder = Dispatcher.singleton().findSchemaOrThrow("mkldnn::_reorder_linear_weight", "");
        long[][] shapes = {{800, 768, 768}, {800, 3072, 768}, {400, 3072, 768}};
        try (NoGradGuard ng = new NoGradGuard()) {
            for (torch.ScalarType dt : new torch.ScalarType[]{torch.ScalarType.Float, torch.ScalarType.BFloat16}) {
                for (long[] s : shapes) {
                    try (PointerScope scope = new PointerScope()) {
                        Tensor x = torch.randn(s[0], s[1]).to(dt), w = torch.randn(s[2], s[1]).mul_(new Scalar(0.02)).to(dt),
                                b = torch.randn(s[2]).to(dt), res = torch.randn(s[0], s[2]).to(dt);
                        IValueVector st = new IValueVector(new IValue(w), new IValue(s[0]));
                        reorder.callBoxed(st);
                        Tensor wp = new Tensor(st.get(0).toTensor());
                        Supplier<Tensor> thenAdd = () -> LinearPaths.call(lin, x, wp, b, "none").add_(res);
                        Supplier<Tensor> fused = () -> {
                            IValueVector v = new IValueVector(new IValue(x), new IValue(res), new IValue(wp), new IValue(b), new IValue("add"));
                            bin.callBoxed(v);
                            return new Tensor(v.get(0).toTensor());
                        };
                        double[] ta = new double[rounds], tf = new double[rounds];
                        for (int r = -3; r < rounds; r++) {
                            double a = LinearPaths.ms(thenAdd), f = LinearPaths.ms(fused);
                            if (r >= 0) {
                                ta[r] = a;
                                tf[r] = f;
                            }
                        }
                        double diff = thenAdd.get().sub(fused.get()).abs().max().item_double();
                        System.out.printf(Locale.ROOT, "%s %dx%dx%d: product then add_ %.3f ms, add in the epilogue %.3f ms (max diff %.2g)%n",
                                dt, s[0], s[1], s[2], LinearPaths.med(ta), LinearPaths.med(tf), diff);
                    }
                }
            }
        }
    }
}
