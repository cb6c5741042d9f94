package dev.jclip.experiments.profile;

import dev.jclip.model.Bottleneck;
import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelPresets;
import dev.jclip.model.ModifiedResNet;
import dev.jclip.runtime.Cpu;
import dev.jclip.runtime.Precision;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where RN50's forward spends its time: the stem, each stage and the attention pool, timed in
 * the tower's own order (CPU kernels are synchronous). Usage:
 * {@code scripts/experiment.sh dev.jclip.experiments.profile.ResNetProfile [fp32|bf16] [BATCH] [ROUNDS]}.
 */
public final class ResNetProfile {
    private ResNetProfile() {
    }

    public static void main(String[] args) {
        Precision p = Precision.parse(args.length > 0 ? args[0] : "fp32");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        torch.set_num_threads(2);
        torch.manual_seed(0);
        ClipModel m = new ClipModel(ModelPresets.get("RN50"));
        m.eval();
        m.setPrecision(p);
        ModifiedResNet r = (ModifiedResNet) m.visual;
        Tensor px = torch.randn(batch, 3, 224, 224);
        Tensor in = m.imagePrecision() == Precision.BF16 ? px.to(torch.ScalarType.BFloat16) : px;
        Map<String, Long> nanos = new LinkedHashMap<>();
        for (int round = 0; round < rounds + 2; round++) {
            if (round == 2) {
                nanos.clear();
            }
            try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
                long t0 = System.nanoTime();
                Tensor x = r.stem(in);
                long t1 = System.nanoTime();
                nanos.merge("stem", t1 - t0, Long::sum);
                List<List<Bottleneck>> stages = r.stages();
                for (int i = 0; i < stages.size(); i++) {
                    for (Bottleneck b : stages.get(i)) {
                        x = b.forward(x);
                    }
                    long t2 = System.nanoTime();
                    nanos.merge("stage " + (i + 1), t2 - t1, Long::sum);
                    t1 = t2;
                }
                r.attnpool.forward(x);
                nanos.merge("attnpool", System.nanoTime() - t1, Long::sum);
            }
        }
        long total = nanos.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, "CPU %s, RN50 %s, batch %d: %.1f ms per forward%n", Cpu.get().modelName(),
                m.imagePrecision().label(), batch, total / 1e6 / rounds);
        nanos.forEach((k, ns) -> System.out.printf(Locale.ROOT, "  %-10s %8.2f ms  %5.1f%%%n", k, ns / 1e6 / rounds, 100.0 * ns / total));
    }
}
