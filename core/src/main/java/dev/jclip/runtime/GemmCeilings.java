package dev.jclip.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The machine's matrix-multiply ceiling in fp32, bf16 and int8, measured through the same libtorch
 * entry points the encoders use, so that every encoder figure can be read as a fraction of what
 * this CPU does. Square {@code mm} shapes give the peak; the {@code linear} shapes are ViT-B/32's
 * MLP at batch 16 and the small training config's.
 */
public final class GemmCeilings {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One shape: {@code m×k} activations times a {@code k×n} weight. */
    record Shape(String name, long m, long k, long n) {
        double flops() {
            return 2.0 * m * k * n;
        }
    }

    private static final Shape[] SHAPES = {
            new Shape("mm 1024^2", 1024, 1024, 1024),
            new Shape("mm 2048^2", 2048, 2048, 2048),
            new Shape("linear ViT-B/32 mlp (800x768 . 768x3072)", 800, 768, 3072),
            new Shape("linear train config (4160x256 . 256x1024)", 4160, 256, 1024),
    };

    private GemmCeilings() {
    }

    /** Runs every shape in fp32, bf16 and int8 and returns the JSON report. */
    public static ObjectNode run(int threads, int iters) {
        ComputeThreads.set(threads);
        torch.manual_seed(0);
        ObjectNode o = JSON.createObjectNode();
        o.put("impl", "jclip");
        o.put("task", "gemm");
        o.put("threads", threads);
        o.put("cpu", dev.jclip.runtime.Cpu.get().describe());
        o.put("cpu_model", dev.jclip.runtime.Cpu.get().modelName());
        o.put("openblas_core", dev.jclip.runtime.OpenBlas.get().describe());
        ArrayNode rows = o.putArray("results");
        double best32 = 0, best16 = 0, best8 = 0;
        for (Shape s : SHAPES) {
            ObjectNode r = rows.addObject();
            r.put("shape", s.name());
            double f32 = gflops(s, iters, "fp32"), f16 = gflops(s, iters, "bf16"), i8 = gflops(s, iters, "int8");
            r.put("fp32_gflop_per_s", round(f32, 1));
            r.put("bf16_gflop_per_s", round(f16, 1));
            r.put("int8_gop_per_s", round(i8, 1));
            best32 = Math.max(best32, f32);
            best16 = Math.max(best16, f16);
            best8 = Math.max(best8, i8);
        }
        ObjectNode c = o.putObject("ceiling");
        c.put("fp32_gflop_per_s", round(best32, 1));
        c.put("bf16_gflop_per_s", round(best16, 1));
        c.put("int8_gop_per_s", round(i8orZero(best8), 1));
        o.put("peak_rss_mb", PeakMemory.mb());
        return o;
    }

    private static double i8orZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** Best-of-median rate for one shape and dtype; weights are cast or packed once, outside the timing. */
    static double gflops(Shape s, int iters, String dtype) {
        try (PointerScope scope = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensor a = torch.randn(s.m(), s.k());
            Tensor w = torch.randn(s.n(), s.k()).mul(new Scalar(0.05));
            Supplier<Tensor> op;
            switch (dtype) {
                case "fp32" -> op = () -> torch.linear(a, w);
                case "bf16" -> {
                    Tensor ab = a.to(torch.ScalarType.BFloat16), wb = w.to(torch.ScalarType.BFloat16);
                    op = () -> torch.linear(ab, wb);
                }
                case "int8" -> {
                    var q = torch.fbgemm_linear_quantize_weight(w.contiguous());
                    Tensor qw = new Tensor(q.get0()), off = new Tensor(q.get1());
                    Tensor packed = torch.fbgemm_pack_quantized_matrix(qw);
                    Scalar scale = new Scalar(q.get2()), zp = new Scalar(q.get3());
                    Tensor bias = torch.zeros(s.n());
                    op = () -> torch.fbgemm_linear_int8_weight_fp32_activation(a, qw, packed, off, scale, zp, bias);
                }
                default -> throw new IllegalArgumentException(dtype);
            }
            for (int i = 0; i < 2; i++) {
                try (PointerScope inner = new PointerScope()) {
                    op.get();
                }
            }
            double[] t = new double[iters];
            for (int i = 0; i < iters; i++) {
                try (PointerScope inner = new PointerScope()) {
                    long t0 = System.nanoTime();
                    op.get();
                    t[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Arrays.sort(t);
            return s.flops() / t[iters / 2] / 1e9;
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
