package dev.jclip.experiments.profile;

import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelPresets;
import dev.jclip.runtime.ComputeThreads;
import dev.jclip.runtime.Cpu;
import dev.jclip.runtime.Precision;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.Locale;

/**
 * One image batch whole on two intra-op threads against the same batch split in two parts, one
 * per thread ({@code runtime.BatchSplit}, {@code -Djclip.batchSplit=off} and {@code on} in turn,
 * the ratio taken pair by pair so the host's drift cancels). Usage: {@code scripts/experiment.sh
 * dev.jclip.experiments.profile.SplitBatch [PRESET] [fp32|bf16|int8] [BATCH] [ROUNDS]}.
 */
public final class SplitBatch {
    private SplitBatch() {
    }

    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "ViT-B/32";
        Precision p = Precision.parse(args.length > 1 ? args[1] : "int8");
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        ComputeThreads.set(2);
        torch.manual_seed(0);
        ClipModel m = new ClipModel(ModelPresets.get(preset));
        m.eval();
        m.setPrecision(p);
        int res = m.config().imageResolution();
        Tensor px = torch.randn(batch, 3, res, res);
        double[] whole = new double[rounds], split = new double[rounds], ratio = new double[rounds];
        for (int r = -2; r < rounds; r++) {
            double a = time(m, px, "off"), b = time(m, px, "on");
            if (r >= 0) {
                whole[r] = a;
                split[r] = b;
                ratio[r] = a / b;
            }
        }
        Arrays.sort(whole);
        Arrays.sort(split);
        Arrays.sort(ratio);
        System.out.printf(Locale.ROOT, "CPU %s, %s %s (ran %s), batch %d, %d pairs: whole %.1f ms (%.1f images/s), split %.1f ms (%.1f images/s), "
                        + "whole/split median %.3f (min %.3f, max %.3f)%n",
                Cpu.get().modelName(), preset, p.label(), m.imagePrecision().label(), batch, rounds,
                whole[rounds / 2], batch * 1000 / whole[rounds / 2], split[rounds / 2], batch * 1000 / split[rounds / 2],
                ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
    }

    private static double time(ClipModel m, Tensor px, String mode) {
        System.setProperty("jclip.batchSplit", mode);
        long t0 = System.nanoTime();
        try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode()) {
            m.encodeImage(px);
        }
        return (System.nanoTime() - t0) / 1e6;
    }
}
