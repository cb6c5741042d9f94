package dev.jclip.experiments.kernels;

import dev.jclip.runtime.Cpu;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.NumberType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.OptionalType;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.SingletonTypePtr;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/** Linear layers: eager {@code linear} against oneDNN's {@code mkldnn::_linear_pointwise} on a prepacked weight, fp32 and bf16. */
public final class LinearPaths {
    private LinearPaths() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        torch.set_num_threads(2);
        System.out.println("CPU: " + Cpu.get().modelName() + " (" + Cpu.get().describe() + ")");
        OperatorHandle lin = Dispatcher.singleton().findSchemaOrThrow("mkldnn::_linear_pointwise", "");
        OperatorHandle reorder = null;
        for (String name : new String[]{"mkldnn::_reorder_linear_weight", "aten::mkldnn_reorder_linear_weight"}) {
            try {
                reorder = Dispatcher.singleton().findSchemaOrThrow(name, "");
                System.out.println("reorder op: " + name);
                break;
            } catch (RuntimeException e) {
                System.out.println("no " + name);
            }
        }
        if (args.length > 1) {
            hints(lin, reorder);
            return;
        }
        long[][] shapes = {{800, 768, 2304}, {800, 768, 768}, {800, 768, 3072}, {800, 3072, 768}, {784, 3072, 768}};
        try (NoGradGuard ng = new NoGradGuard()) {
            for (torch.ScalarType dt : new torch.ScalarType[]{torch.ScalarType.Float, torch.ScalarType.BFloat16}) {
                for (long[] s : shapes) {
                    try (PointerScope scope = new PointerScope()) {
                        Tensor x = torch.randn(s[0], s[1]).to(dt), w = torch.randn(s[2], s[1]).mul_(new Scalar(0.02)).to(dt), b = torch.randn(s[2]).to(dt);
                        Tensor wp = w;
                        if (reorder != null) {
                            IValueVector st = new IValueVector(new IValue(w), new IValue(s[0]));
                            reorder.callBoxed(st);
                            wp = new Tensor(st.get(0).toTensor());
                        }
                        Tensor wpf = wp;
                        Supplier<Tensor> eager = () -> torch.linear(x, w, new TensorOptional(b));
                        Supplier<Tensor> dnnPlain = () -> call(lin, x, w, b, "none");
                        Supplier<Tensor> dnnPacked = () -> call(lin, x, wpf, b, "none");
                        Supplier<Tensor> dnnSwish = () -> call(lin, x, wpf, b, "swish");
                        double[] te = new double[rounds], tp = new double[rounds], tk = new double[rounds], tsw = new double[rounds];
                        for (int r = -2; r < rounds; r++) {
                            double a = ms(eager), c = ms(dnnPlain), d = ms(dnnPacked), e = ms(dnnSwish);
                            if (r >= 0) {
                                te[r] = a; tp[r] = c; tk[r] = d; tsw[r] = e;
                            }
                        }
                        double err = dnnPacked.get().to(torch.ScalarType.Float).sub(eager.get().to(torch.ScalarType.Float)).abs().max().item_double();
                        double gf = 2.0 * s[0] * s[1] * s[2] / 1e9;
                        System.out.printf(Locale.ROOT, "%s %dx%dx%d: eager %.2f ms (%.0f GF/s)  onednn %.2f  packed %.2f (%.0f GF/s)  packed+swish %.2f  maxdiff %.2g%n",
                                dt, s[0], s[1], s[2], med(te), gf / med(te) * 1e3, med(tp), med(tk), gf / med(tk) * 1e3, med(tsw), err);
                    }
                }
            }
        }
    }

    /** The weight packed for one batch size, called with others; and a 3-d input. */
    static void hints(OperatorHandle lin, OperatorHandle reorder) {
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor w = torch.randn(768, 3072).mul_(new Scalar(0.02)), b = torch.randn(768);
            IValueVector st = new IValueVector(new IValue(w), new IValue(800L));
            reorder.callBoxed(st);
            Tensor wp = new Tensor(st.get(0).toTensor());
            System.out.println("packed: is_mkldnn=" + wp.is_mkldnn() + " dim=" + wp.dim());
            for (long m : new long[]{50, 77, 800, 801, 3200}) {
                Tensor x = torch.randn(m, 3072);
                double[] te = new double[8], tp = new double[8];
                for (int r = -2; r < 8; r++) {
                    double a = ms(() -> torch.linear(x, w, new TensorOptional(b))), c = ms(() -> call(lin, x, wp, b, "none"));
                    if (r >= 0) {
                        te[r] = a; tp[r] = c;
                    }
                }
                System.out.printf(Locale.ROOT, "M=%d (packed for 800): eager %.2f ms, packed %.2f ms%n", m, med(te), med(tp));
            }
            Tensor x3 = torch.randn(16, 50, 3072);
            Tensor y3 = call(lin, x3, wp, b, "none");
            System.out.println("3-d input -> " + java.util.Arrays.toString(y3.sizes().vec().get()) + " maxdiff "
                    + y3.sub(torch.linear(x3, w, new TensorOptional(b))).abs().max().item_double());
        }
    }

    static Tensor call(OperatorHandle op, Tensor x, Tensor w, Tensor b, String attr) {
        IValueVector st = new IValueVector(new IValue(x), new IValue(w), new IValue(b), new IValue(attr),
                new IValue(new GenericList(OptionalType.get(new Type.TypePtr(new SingletonTypePtr(NumberType.getNumberIntTypePtr().get()))))),
                new IValue(""));
        op.callBoxed(st);
        return new Tensor(st.get(0).toTensor());
    }

    static double ms(Supplier<Tensor> f) {
        try (PointerScope s = new PointerScope()) {
            long t0 = System.nanoTime();
            f.get();
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /** The median milliseconds of each op over {@code rounds} rounds that call them in turn, after 3 warm-up rounds. */
    static double[] interleavedMedians(Supplier<Tensor>[] ops, int rounds) {
        double[][] t = new double[ops.length][rounds];
        for (int r = -3; r < rounds; r++) {
            for (int i = 0; i < ops.length; i++) {
                double ms = ms(ops[i]);
                if (r >= 0) {
                    t[i][r] = ms;
                }
            }
        }
        double[] out = new double[ops.length];
        for (int i = 0; i < ops.length; i++) {
            out[i] = med(t[i]);
        }
        return out;
    }

    static double med(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
