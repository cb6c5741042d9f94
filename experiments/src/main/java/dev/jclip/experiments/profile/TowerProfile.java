package dev.jclip.experiments.profile;

import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelPresets;
import dev.jclip.model.VisionTransformer;
import dev.jclip.model.layers.ResidualAttentionBlock;
import dev.jclip.runtime.Cpu;
import dev.jclip.runtime.Precision;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a ViT image tower's forward spends its time, stage by stage: the same operations as
 * {@link VisionTransformer#forward} and the block's forward, each timed (CPU kernels are
 * synchronous), next to the untouched forward. Usage:
 * {@code scripts/experiment.sh dev.jclip.experiments.profile.TowerProfile [fp32|bf16|int8] [BATCH] [ROUNDS]}.
 */
public final class TowerProfile {
    private static final int GELU = Integer.getInteger("gelu", 0);
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    private TowerProfile() {
    }

    private Tensor time(String stage, Supplier<Tensor> op) {
        long t0 = System.nanoTime();
        Tensor t = op.get();
        nanos.merge(stage, System.nanoTime() - t0, Long::sum);
        return t;
    }

    public static void main(String[] args) {
        Precision p = Precision.parse(args.length > 0 ? args[0] : "fp32");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        torch.set_num_threads(2);
        torch.manual_seed(0);
        ClipModel m = new ClipModel(ModelPresets.get("ViT-B/32"));
        m.eval();
        m.setPrecision(p);
        VisionTransformer v = (VisionTransformer) m.visual;
        Tensor px = torch.randn(batch, 3, 224, 224);
        TowerProfile prof = new TowerProfile();
        long whole = 0;
        for (int r = 0; r < rounds + 2; r++) {
            if (r == 2) {
                prof.nanos.clear();
                whole = 0;
            }
            try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
                long t0 = System.nanoTime();
                m.encodeImage(px);
                whole += System.nanoTime() - t0;
                prof.forward(v, m.imagePrecision() == Precision.BF16 ? px.to(torch.ScalarType.BFloat16) : px);
            }
        }
        try (InferenceMode im = new InferenceMode()) {
            System.out.println("packed linear serves: " + dev.jclip.runtime.PackedLinear.serves(px)
                    + ", grad mode " + org.bytedeco.pytorch.GradMode.is_enabled());
        }
        long total = prof.nanos.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "CPU %s, ViT-B/32 %s (ran %s), batch %d, %d rounds: forward %.1f ms, staged %.1f ms%n",
                Cpu.get().modelName(), p.label(), m.imagePrecision().label(), batch, rounds, whole / 1e6 / rounds, total / 1e6 / rounds);
        prof.nanos.forEach((k, ns) -> System.out.printf(Locale.ROOT, "  %-14s %8.2f ms  %5.1f%%%n", k, ns / 1e6 / rounds, 100.0 * ns / total));
    }

    private void forward(VisionTransformer v, Tensor pixels) {
        Tensor x = time("conv1", () -> v.conv1.forward(pixels));
        Tensor e = time("embed", () -> {
            long n = x.size(0), w = x.size(1);
            Tensor y = x.flatten(2, -1).transpose(1, 2);
            Tensor cls = v.classEmbedding.to(y.scalar_type()).view(1, 1, w).expand(n, 1, w);
            return torch.cat(new org.bytedeco.pytorch.TensorVector(cls, y), 1).add(v.positionalEmbedding.to(y.scalar_type()));
        });
        Tensor h = time("ln", () -> v.lnPre.forward(e));
        for (ResidualAttentionBlock b : v.transformer.blocks()) {
            h = block(b, h);
        }
        Tensor out = h;
        time("head", () -> v.head(out));
    }

    private Tensor block(ResidualAttentionBlock b, Tensor x) {
        long n = x.size(0), l = x.size(1), width = x.size(2), heads = b.attn.heads();
        Tensor a = time("ln", () -> b.ln1.forward(x));
        Tensor qkv = time("qkv", () -> b.attn.inProj().apply(a, true));
        Tensor o = time("attention", () -> {
            Tensor t = qkv.view(n, l, 3, heads, width / heads).permute(2, 0, 3, 1, 4);
            Tensor q = t.select(0, 0), k = t.select(0, 1), vv = t.select(0, 2);
            Tensor r = dev.jclip.tensor.Torch.isBf16(x) && Boolean.getBoolean("attnFp32")
                    ? torch.scaled_dot_product_attention(q.to(torch.ScalarType.Float), k.to(torch.ScalarType.Float), vv.to(torch.ScalarType.Float),
                    new org.bytedeco.pytorch.TensorOptional(), 0.0, false, new org.bytedeco.pytorch.DoubleOptional(), false).to(torch.ScalarType.BFloat16)
                    : dev.jclip.tensor.Torch.isBf16(x) ? attendBf16(q, k, vv)
                    : torch.scaled_dot_product_attention(q, k, vv, new org.bytedeco.pytorch.TensorOptional(), 0.0, false,
                    new org.bytedeco.pytorch.DoubleOptional(), false);
            return r.transpose(1, 2).reshape(n, l, width);
        });
        Tensor ao = time("out_proj", () -> b.attn.outProj.forward(o));
        Tensor x1 = time("residual", () -> x.add(ao));
        Tensor m = time("ln", () -> b.ln2.forward(x1));
        Tensor f = time("fc", () -> b.cFc.forward(m));
        Tensor g = time("gelu", () -> switch (GELU) {
            case 1 -> torch.sigmoid_(f.mul(new Scalar(1.702))).mul_(f);
            case 2 -> torch.silu_(f.mul_(new Scalar(1.702))).div_(new Scalar(1.702));
            case 3 -> torch.silu_(f);
            default -> dev.jclip.tensor.Torch.isBf16(f) ? torch.silu_(f.mul(new Scalar(1.702))).div_(new Scalar(1.702))
                : f.mul(torch.sigmoid(f.mul(new Scalar(1.702))));
        });
        Tensor pr = time("proj", () -> b.cProj.forward(g));
        return time("residual", () -> x1.add(pr));
    }

    private static Tensor attendBf16(Tensor q, Tensor k, Tensor v) {
        Tensor scores = torch.matmul(q, k.transpose(-2, -1)).to(torch.ScalarType.Float).mul_(new Scalar(1.0 / Math.sqrt(q.size(3))));
        return torch.matmul(torch.softmax(scores, -1, new org.bytedeco.pytorch.ScalarTypeOptional()).to(torch.ScalarType.BFloat16), v);
    }
}
