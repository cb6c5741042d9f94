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
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Which native path is fastest for each of jclip's hot operations on this machine, side by side
 * in one process and interleaved call by call, so a noisy shared machine slows both alike:
 * <ul>
 *   <li>fp32 linear layers: OpenBLAS ({@code linear}, what jclip runs) against oneDNN's
 *       {@code mkldnn_linear} with the weight converted once;</li>
 *   <li>int8 linear layers: fbgemm's dynamic int8 (jclip's) against {@code aten::_int_mm} (oneDNN
 *       s8×s8→s32) with per-row activation scales;</li>
 *   <li>ResNet convolutions: convolution, batch norm and ReLU as three operations against the
 *       folded, fused primitive jclip now runs for inference ({@link FusedConv}).</li>
 * </ul>
 * Prints one line per shape: median milliseconds of each side, the median of the per-pair ratios,
 * and the alternative's error against the reference. Usage: {@code scripts/kernel-paths.sh [ROUNDS]}.
 */
public final class KernelPaths {
    private KernelPaths() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        torch.set_num_threads(Math.min(2, Runtime.getRuntime().availableProcessors()));
        System.out.println("CPU: " + Cpu.get().modelName() + " (" + Cpu.get().describe() + "), 2 threads, " + rounds + " pairs per shape");
        long[][] linears = {{800, 768, 3072}, {800, 3072, 768}, {800, 768, 2304}, {768, 512, 2048}};
        try (NoGradGuard ng = new NoGradGuard()) {
            OperatorHandle intMm = Dispatcher.singleton().findSchemaOrThrow("aten::_int_mm", "");
            for (long[] s : linears) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor x = torch.randn(s[0], s[1]), w = torch.randn(s[2], s[1]).mul_(new Scalar(0.02)), b = torch.randn(s[2]);
                    Tensor wm = w.to_mkldnn(), bm = b.to_mkldnn();
                    pair("linear fp32 " + shape(s), "openblas", () -> torch.linear(x, w, new TensorOptional(b)),
                            "onednn", () -> torch.mkldnn_linear(x.to_mkldnn(), wm, new TensorOptional(bm)).to_dense(), rounds);
                    var t = torch.fbgemm_linear_quantize_weight(w.contiguous());
                    Tensor q = new Tensor(t.get0()), off = new Tensor(t.get1());
                    Tensor packed = torch.fbgemm_pack_quantized_matrix(q);
                    Scalar sc = new Scalar(t.get2()), zp = new Scalar(t.get3());
                    Tensor ws = w.abs().amax(new long[]{1}, true).div(new Scalar(127.0)).clamp_min(new Scalar(1e-12));
                    Tensor wq = torch.round(w.div(ws)).clamp(new ScalarOptional(new Scalar(-127)), new ScalarOptional(new Scalar(127)))
                            .to(torch.ScalarType.Char).t().contiguous();
                    Tensor wsRow = ws.view(1, s[2]);
                    pair("linear int8 " + shape(s), "fbgemm", () -> torch.fbgemm_linear_int8_weight_fp32_activation(x, q, packed, off, sc, zp, b),
                            "int_mm", () -> {
                                Tensor xs = x.abs().amax(new long[]{1}, true).div(new Scalar(127.0)).clamp_min(new Scalar(1e-12));
                                IValueVector st = new IValueVector(new IValue(torch.round(x.div(xs)).to(torch.ScalarType.Char)), new IValue(wq));
                                intMm.callBoxed(st);
                                return new Tensor(st.get(0).toTensor()).to(torch.ScalarType.Float).mul_(xs).mul_(wsRow).add_(b);
                            }, rounds);
                }
            }
            long[][] convs = {{16, 256, 64, 56, 1}, {16, 64, 64, 56, 3}, {16, 512, 128, 28, 1}, {16, 128, 128, 28, 3}, {16, 1024, 256, 14, 1}};
            for (long[] c : convs) {
                try (PointerScope scope = new PointerScope()) {
                    long co = c[2], k = c[4], pad = k / 2;
                    Tensor x = torch.randn(c[0], c[1], c[3], c[3]).contiguous(torch.MemoryFormat.ChannelsLast);
                    Tensor w = torch.randn(co, c[1], k, k).mul_(new Scalar(0.05)).contiguous(torch.MemoryFormat.ChannelsLast);
                    Tensor g = torch.rand(co).add_(new Scalar(0.5)), beta = torch.randn(co), mean = torch.randn(co).mul_(new Scalar(0.1));
                    Tensor var = torch.rand(co).add_(new Scalar(0.5));
                    Tensor scale = g.div(var.add(new Scalar(1e-5)).sqrt());
                    Tensor wf = w.mul(scale.view(co, 1, 1, 1)).contiguous(torch.MemoryFormat.ChannelsLast), bf = beta.sub(mean.mul(scale));
                    pair(String.format(Locale.ROOT, "conv%dx%d %d->%d at %dx%d b%d", k, k, c[1], co, c[3], c[3], c[0]), "conv+bn+relu",
                            () -> torch.relu(torch.batch_norm(torch.conv2d(x, w, new TensorOptional(), new long[]{1, 1}, new long[]{pad, pad},
                                    new long[]{1, 1}, 1), new TensorOptional(g), new TensorOptional(beta), new TensorOptional(mean),
                                    new TensorOptional(var), false, 0.1, 1e-5, false)),
                            "fused", () -> FusedConv.fused(x, wf, bf, 1, pad, null, true), rounds);
                    Tensor packed = torch.mkldnn_reorder_conv2d_weight(wf.contiguous().to_mkldnn(), new long[]{pad, pad}, new long[]{1, 1}, new long[]{1, 1}, 1,
                            x.sizes().vec().get());
                    pair(String.format(Locale.ROOT, "conv%dx%d %d->%d at %dx%d b%d", k, k, c[1], co, c[3], c[3], c[0]), "fused",
                            () -> FusedConv.fused(x, wf, bf, 1, pad, null, true),
                            "prepacked", () -> FusedConv.fused(x, packed, bf, 1, pad, null, true), rounds);
                    Tensor xb = x.to(torch.ScalarType.BFloat16), wb = wf.to(torch.ScalarType.BFloat16).contiguous(torch.MemoryFormat.ChannelsLast);
                    Tensor bb = bf.to(torch.ScalarType.BFloat16);
                    Tensor packedB = torch.mkldnn_reorder_conv2d_weight(wb.contiguous().to_mkldnn(), new long[]{pad, pad}, new long[]{1, 1}, new long[]{1, 1}, 1,
                            x.sizes().vec().get());
                    pair(String.format(Locale.ROOT, "bf16 conv%dx%d %d->%d at %dx%d", k, k, c[1], co, c[3], c[3]), "fused",
                            () -> FusedConv.fused(xb, wb, bb, 1, pad, null, true).to(torch.ScalarType.Float),
                            "prepacked", () -> FusedConv.fused(xb, packedB, bb, 1, pad, null, true).to(torch.ScalarType.Float), rounds);
                }
            }
        }
    }

    private static String shape(long[] s) {
        return "M" + s[0] + " K" + s[1] + " N" + s[2];
    }

    private static void pair(String what, String aName, Supplier<Tensor> a, String bName, Supplier<Tensor> b, int rounds) {
        Tensor ra = a.get(), rb = b.get();
        double cos = torch.cosine_similarity(ra.flatten(), rb.flatten(), 0, 1e-8).item_double();
        double[] ta = new double[rounds], tb = new double[rounds], r = new double[rounds];
        for (int i = -2; i < rounds; i++) {
            try (PointerScope s = new PointerScope()) {
                long t0 = System.nanoTime();
                a.get();
                long t1 = System.nanoTime();
                b.get();
                long t2 = System.nanoTime();
                if (i >= 0) {
                    ta[i] = (t1 - t0) / 1e6;
                    tb[i] = (t2 - t1) / 1e6;
                    r[i] = tb[i] / ta[i];
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-36s %-12s %8.2f ms   %-8s %8.2f ms   %s/%s %.2f   cosine %.6f%n", what, aName, median(ta),
                bName, median(tb), bName, aName, median(r), cos);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
