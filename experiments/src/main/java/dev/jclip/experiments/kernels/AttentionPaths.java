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
 * bf16 attention as a ViT block runs it, from the packed q/k/v product [N, L, 3·D] to the
 * [N, L, D] input of the output projection: jclip's two bf16 products around a float32 softmax,
 * libtorch's fused kernel in bf16, and the fused kernel in float32 with conversions. Usage:
 * {@code scripts/experiment.sh dev.jclip.experiments.kernels.AttentionPaths [ROUNDS] [N] [L]}.
 */
public final class AttentionPaths {
    private AttentionPaths() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long n = args.length > 1 ? Long.parseLong(args[1]) : 16, l = args.length > 2 ? Long.parseLong(args[2]) : 50;
        long heads = 12, width = 768, hd = width / heads;
        torch.set_num_threads(2);
        System.out.println("CPU: " + Cpu.get().modelName() + " (" + Cpu.get().describe() + ")");
        try (InferenceMode im = new InferenceMode()) {
            Tensor qkv = torch.randn(n, l, 3 * width).to(torch.ScalarType.BFloat16);
            Supplier<Tensor[]> split = () -> {
                Tensor t = qkv.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4);
                return new Tensor[]{t.select(0, 0), t.select(0, 1), t.select(0, 2)};
            };
            Supplier<Tensor> manual = () -> {
                Tensor[] t = split.get();
                Tensor s = torch.matmul(t[0], t[1].transpose(-2, -1)).to(torch.ScalarType.Float).mul_(new Scalar(1.0 / Math.sqrt(hd)));
                Tensor o = torch.matmul(torch.softmax(s, -1, new ScalarTypeOptional()).to(torch.ScalarType.BFloat16), t[2]);
                return o.transpose(1, 2).reshape(n, l, width);
            };
            // q's scale folded into the q/k/v product's weight rows, as a layer can do once at load
            Tensor qkvScaled = qkv.clone();
            qkvScaled.narrow(2, 0, width).mul_(new Scalar(1.0 / Math.sqrt(hd)));
            Supplier<Tensor> manualScaledQ = () -> {
                Tensor tt = qkvScaled.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4);
                Tensor[] t = {tt.select(0, 0), tt.select(0, 1), tt.select(0, 2)};
                Tensor s = torch.matmul(t[0], t[1].transpose(-2, -1));
                Tensor o = torch.matmul(torch.softmax(s, -1, new ScalarTypeOptional(torch.ScalarType.Float)).to(torch.ScalarType.BFloat16), t[2]);
                return o.transpose(1, 2).reshape(n, l, width);
            };
            Supplier<Tensor> fusedBf16 = () -> {
                Tensor[] t = split.get();
                return torch.scaled_dot_product_attention(t[0], t[1], t[2], new TensorOptional(), 0.0, false, new DoubleOptional(), false)
                        .transpose(1, 2).reshape(n, l, width);
            };
            Supplier<Tensor> fusedFp32 = () -> {
                Tensor[] t = split.get();
                return torch.scaled_dot_product_attention(t[0].to(torch.ScalarType.Float), t[1].to(torch.ScalarType.Float),
                        t[2].to(torch.ScalarType.Float), new TensorOptional(), 0.0, false, new DoubleOptional(), false)
                        .transpose(1, 2).reshape(n, l, width).to(torch.ScalarType.BFloat16);
            };
            Supplier<Tensor> fusedOneCast = () -> {
                Tensor t = qkv.to(torch.ScalarType.Float).view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4);
                return torch.scaled_dot_product_attention(t.select(0, 0), t.select(0, 1), t.select(0, 2), new TensorOptional(), 0.0, false,
                        new DoubleOptional(), false).transpose(1, 2).reshape(n, l, width).to(torch.ScalarType.BFloat16);
            };
            Supplier<Tensor> manualContiguous = () -> {
                Tensor t = qkvScaled.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4).contiguous();
                Tensor s2 = torch.matmul(t.select(0, 0), t.select(0, 1).transpose(-2, -1));
                Tensor o = torch.matmul(torch.softmax(s2, -1, new ScalarTypeOptional(torch.ScalarType.Float)).to(torch.ScalarType.BFloat16), t.select(0, 2));
                return o.transpose(1, 2).reshape(n, l, width);
            };
            Supplier<Tensor> bmm = () -> {
                Tensor t = qkvScaled.view(n, l, 3, heads, hd).permute(2, 0, 3, 1, 4).contiguous().view(3, n * heads, l, hd);
                Tensor s2 = torch.bmm(t.select(0, 0), t.select(0, 1).transpose(1, 2));
                Tensor o = torch.bmm(torch.softmax(s2, -1, new ScalarTypeOptional(torch.ScalarType.Float)).to(torch.ScalarType.BFloat16), t.select(0, 2));
                return o.view(n, heads, l, hd).transpose(1, 2).reshape(n, l, width);
            };
            String[] names = {"manual", "q prescaled, softmax(dtype)", "sdpa bf16", "sdpa fp32+casts", "sdpa fp32, one cast", "prescaled, contiguous", "prescaled, bmm"};
            @SuppressWarnings("unchecked")
            Supplier<Tensor>[] ops = new Supplier[]{manual, manualScaledQ, fusedBf16, fusedFp32, fusedOneCast, manualContiguous, bmm};
            Tensor ref = manual.get().to(torch.ScalarType.Float);
            double[] t = LinearPaths.interleavedMedians(ops, rounds);
            for (int i = 0; i < ops.length; i++) {
                double diff;
                try (PointerScope s = new PointerScope()) {
                    diff = ops[i].get().to(torch.ScalarType.Float).sub(ref).abs().max().item_double();
                }
                System.out.printf(Locale.ROOT, "%-28s %7.3f ms  (max diff to manual %.3g)%n", names[i], t[i], diff);
            }
        }
    }
}
