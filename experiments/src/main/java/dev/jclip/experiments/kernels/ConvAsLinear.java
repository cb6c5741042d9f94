package dev.jclip.experiments.kernels;

import dev.jclip.runtime.Cpu;
import dev.jclip.runtime.FusedConv;
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
 * RN50's 1×1 convolutions (all stride 1 in CLIP's ResNet, channels-last activations) as what they
 * are, one product over the pixels: oneDNN's fused convolution + bias + ReLU (what jclip runs)
 * against oneDNN's packed linear with a ReLU post-op on the same memory, interleaved call by call.
 * Usage: {@code scripts/experiment.sh dev.jclip.experiments.kernels.ConvAsLinear [ROUNDS]}.
 */
public final class ConvAsLinear {
    private ConvAsLinear() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        torch.set_num_threads(2);
        System.out.println("CPU: " + Cpu.get().modelName() + " (" + Cpu.get().describe() + ")");
        OperatorHandle lin = Dispatcher.singleton().findSchemaOrThrow("mkldnn::_linear_pointwise", "");
        OperatorHandle reorder = Dispatcher.singleton().findSchemaOrThrow("mkldnn::_reorder_linear_weight", "");
        long n = 16;
        long[][] shapes = {{56, 64, 64}, {56, 256, 64}, {56, 64, 256}, {56, 256, 128}, {28, 512, 128}, {28, 128, 512},
            {28, 512, 256}, {14, 1024, 256}, {14, 256, 1024}, {14, 1024, 512}, {7, 2048, 512}, {7, 512, 2048}};
        double convAll = 0, linAll = 0;
        try (NoGradGuard ng = new NoGradGuard()) {
            for (long[] s : shapes) {
                try (PointerScope scope = new PointerScope()) {
                    long h = s[0], cin = s[1], cout = s[2];
                    Tensor x = torch.randn(n, cin, h, h).contiguous(torch.MemoryFormat.ChannelsLast);
                    Tensor w = torch.randn(cout, cin, 1, 1).mul_(new Scalar(0.05)), b = torch.randn(cout);
                    Tensor w2 = w.view(cout, cin);
                    IValueVector st = new IValueVector(new IValue(w2.contiguous()), new IValue(n * h * h));
                    reorder.callBoxed(st);
                    Tensor wp = new Tensor(st.get(0).toTensor());
                    Supplier<Tensor> conv = () -> FusedConv.fused(x, w, b, 1, 0, null, true);
                    Supplier<Tensor> asLinear = () -> LinearPaths.call(lin, x.permute(0, 2, 3, 1).reshape(n * h * h, cin), wp, b, "relu")
                            .view(n, h, h, cout).permute(0, 3, 1, 2);
                    double[] tc = new double[rounds], tl = new double[rounds];
                    for (int r = -2; r < rounds; r++) {
                        double a = LinearPaths.ms(conv), c = LinearPaths.ms(asLinear);
                        if (r >= 0) {
                            tc[r] = a;
                            tl[r] = c;
                        }
                    }
                    double err = asLinear.get().sub(conv.get()).abs().max().item_double();
                    double gf = 2.0 * n * h * h * cin * cout / 1e9;
                    double mc = LinearPaths.med(tc), ml = LinearPaths.med(tl);
                    convAll += mc;
                    linAll += ml;
                    System.out.printf(Locale.ROOT, "%dx%d %d->%d: fused conv %.2f ms (%.0f GF/s)  packed linear %.2f ms (%.0f GF/s)  maxdiff %.2g%n",
                            h, h, cin, cout, mc, gf / mc * 1e3, ml, gf / ml * 1e3, err);
                }
            }
        }
        System.out.printf(Locale.ROOT, "sum of medians: fused conv %.1f ms, packed linear %.1f ms%n", convAll, linAll);
    }
}
