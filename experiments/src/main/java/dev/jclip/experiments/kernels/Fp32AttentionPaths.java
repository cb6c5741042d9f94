package dev.jclip.experiments.kernels;

import dev.jclip.runtime.Cpu;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * float32 attention as a ViT block runs it, from the packed q/k/v product [N, L, 3·D] to the
 * contiguous [N, L, D] input of the output projection: libtorch's fused kernel on the strided
 * views (jclip's path), on contiguous copies, and two batched products around an in-place softmax
 * with q's scale folded in. Usage:
 * {@code scripts/experiment.sh dev.jclip.experiments.kernels.Fp32AttentionPaths [ROUNDS] [N] [L]}.
 */
public final class Fp32AttentionPaths {
    private Fp32AttentionPaths() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long n = args.length > 1 ? Long.parseLong(args[1]) : 16, l = args.length > 2 ? Long.parseLong(args[2]) : 50;
        long heads = 12, width = 768, hd = width / heads;
        torch.set_num_threads(2);
        System.out.println("CPU: " + Cpu.get().modelName() + " (" + Cpu.get().describe() + ")");
        try (InferenceMode im = new InferenceMode()) {
            Tensor qkv = torch.randn(n, l, 3 * width);
            Tensor qkvScaled = qkv.clone();
            qkvScaled.narrow(2, 0, width).mul_(new Scalar(1.0 / Math.sqrt(hd)));
            Supplier<Tensor> sdpa = () -> {
                Tensor t = qkv.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4);
                return torch.scaled_dot_product_attention(t.select(0, 0), t.select(0, 1), t.select(0, 2), new TensorOptional(), 0.0, false,
                        new DoubleOptional(), false).transpose(1, 2).reshape(n, l, width);
            };
            Supplier<Tensor> sdpaContiguous = () -> {
                Tensor t = qkv.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4).contiguous();
                return torch.scaled_dot_product_attention(t.select(0, 0), t.select(0, 1), t.select(0, 2), new TensorOptional(), 0.0, false,
                        new DoubleOptional(), false).transpose(1, 2).reshape(n, l, width);
            };
            Supplier<Tensor> sdpaNoCopyOut = () -> {
                Tensor t = qkv.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4);
                return torch.scaled_dot_product_attention(t.select(0, 0), t.select(0, 1), t.select(0, 2), new TensorOptional(), 0.0, false,
                        new DoubleOptional(), false);
            };
            Supplier<Tensor> matmul = () -> {
                Tensor t = qkvScaled.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4);
                Tensor s = torch.matmul(t.select(0, 0), t.select(0, 1).transpose(-2, -1));
                torch.softmax_out(s, s, -1, new ScalarTypeOptional());
                return torch.matmul(s, t.select(0, 2)).transpose(1, 2).reshape(n, l, width);
            };
            Supplier<Tensor> bmm = () -> {
                Tensor t = qkvScaled.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4).contiguous().view(3, n * heads, l, hd);
                Tensor s = torch.bmm(t.select(0, 0), t.select(0, 1).transpose(1, 2));
                torch.softmax_out(s, s, -1, new ScalarTypeOptional());
                return torch.bmm(s, t.select(0, 2)).view(n, heads, l, hd).transpose(1, 2).reshape(n, l, width);
            };
            Supplier<Tensor> bmmStrided = () -> {
                // q, k, v as [N·H, L, hd] views of the product without copies: batch stride hd, row stride 3·D
                Tensor t = qkvScaled.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4);
                Tensor q = t.select(0, 0).reshape(n * heads, l, hd), k = t.select(0, 1).reshape(n * heads, l, hd),
                        v = t.select(0, 2).reshape(n * heads, l, hd);
                Tensor s = torch.bmm(q, k.transpose(1, 2));
                torch.softmax_out(s, s, -1, new ScalarTypeOptional());
                return torch.bmm(s, v).view(n, heads, l, hd).transpose(1, 2).reshape(n, l, width);
            };
            String[] names = {"sdpa strided (jclip)", "sdpa contiguous", "sdpa, no output copy", "matmul, prescaled q", "bmm contiguous", "bmm (reshape copies)"};
            @SuppressWarnings("unchecked")
            Supplier<Tensor>[] ops = new Supplier[]{sdpa, sdpaContiguous, sdpaNoCopyOut, matmul, bmm, bmmStrided};
            Tensor ref = sdpa.get();
            double[] t = LinearPaths.interleavedMedians(ops, rounds);
            for (int i = 0; i < ops.length; i++) {
                double diff;
                try (PointerScope s = new PointerScope()) {
                    Tensor o = ops[i].get();
                    diff = o.dim() == 3 ? o.sub(ref).abs().max().item_double() : Double.NaN;
                }
                System.out.printf(Locale.ROOT, "%-28s %7.3f ms  (max diff to sdpa %.3g)%n", names[i], t[i], diff);
            }
        }
    }
}
