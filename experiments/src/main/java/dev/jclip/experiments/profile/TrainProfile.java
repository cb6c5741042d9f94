package dev.jclip.experiments.profile;

import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.runtime.Cpu;
import dev.jclip.runtime.Precision;
import dev.jclip.train.AdamW;
import dev.jclip.train.ParamGroups;
import dev.jclip.train.StepRunner;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where bench-compare's training step spends its time: forward and backward (the step runner),
 * the optimizer and clearing the gradients. Usage:
 * {@code scripts/experiment.sh dev.jclip.experiments.profile.TrainProfile [fp32|bf16] [ROUNDS] [PRESET BATCH]}
 * (a preset such as ViT-Tiny/7-28px with its batch profiles that model instead, e.g. the demo's).
 */
public final class TrainProfile {
    private TrainProfile() {
    }

    public static void main(String[] args) throws Exception {
        Precision p = Precision.parse(args.length > 0 ? args[0] : "bf16");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        torch.set_num_threads(2);
        torch.manual_seed(0);
        String cfg = "{\"embed_dim\":256,\"image_resolution\":64,\"vision_layers\":6,\"vision_width\":256,\"vision_patch_size\":8,"
                + "\"context_length\":77,\"vocab_size\":49408,\"transformer_width\":256,\"transformer_heads\":4,\"transformer_layers\":4}";
        ClipConfig c = args.length > 2 ? dev.jclip.model.ModelPresets.get(args[2])
                : ClipConfig.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(cfg));
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int res = c.imageResolution();
        ClipModel m = new ClipModel(c);
        m.train(true);
        Map<String, Tensor> params = m.namedParameters(true);
        AdamW opt = new AdamW(params, ParamGroups.noDecay(params), new AdamW.Options(1e-4, 0.2, 0.9, 0.98, 1e-6));
        StepRunner runner = new StepRunner(m, new StepRunner.Options(1, false, p));
        Tensor px = torch.randn(batch, 3, res, res);
        List<long[]> rows = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(0);
        for (int i = 0; i < batch; i++) {
            long[] row = new long[77];
            row[0] = 49406;
            for (int j = 1; j < 11; j++) {
                row[j] = 1 + r.nextInt(49405);
            }
            row[11] = 49407;
            rows.add(row);
        }
        if (Boolean.getBoolean("splitPairs")) {
            pairs(m, opt, runner, px, rows, p, rounds);
            return;
        }
        double zero = 0, run = 0, step = 0;
        for (int i = 0; i < rounds + 2; i++) {
            try (PointerScope s = new PointerScope()) {
                long t0 = System.nanoTime();
                opt.zeroGrad();
                long t1 = System.nanoTime();
                runner.run(px, rows);
                long t2 = System.nanoTime();
                opt.step();
                long t3 = System.nanoTime();
                if (i >= 2) {
                    zero += (t1 - t0) / 1e6;
                    run += (t2 - t1) / 1e6;
                    step += (t3 - t2) / 1e6;
                }
            }
        }
        System.out.printf(Locale.ROOT, "CPU %s, train step %s batch %d: zero_grad %.1f ms, forward+backward %.1f ms, AdamW %.1f ms (%d params)%n",
                Cpu.get().modelName(), p.label(), batch, zero / rounds, run / rounds, step / rounds, params.size());
    }

    /**
     * With {@code -DsplitPairs=true}: the step's forward+backward whole and in one part per thread
     * ({@code runtime.BatchSplit}) in turn, the ratio taken pair by pair.
     */
    private static void pairs(ClipModel m, AdamW opt, StepRunner runner, Tensor px, List<long[]> rows, Precision p, int rounds) {
        double[] whole = new double[rounds], split = new double[rounds], ratio = new double[rounds];
        for (int i = -2; i < rounds; i++) {
            double[] t = new double[2];
            for (int w = 0; w < 2; w++) {
                System.setProperty("jclip.batchSplit", w == 0 ? "off" : "on");
                try (PointerScope s = new PointerScope()) {
                    opt.zeroGrad();
                    long t0 = System.nanoTime();
                    runner.run(px, rows);
                    t[w] = (System.nanoTime() - t0) / 1e6;
                    opt.step();
                }
            }
            if (i >= 0) {
                whole[i] = t[0];
                split[i] = t[1];
                ratio[i] = t[0] / t[1];
            }
        }
        java.util.Arrays.sort(whole);
        java.util.Arrays.sort(split);
        java.util.Arrays.sort(ratio);
        System.out.printf(Locale.ROOT, "CPU %s, train step %s batch %d, %d pairs: forward+backward whole %.1f ms, split %.1f ms, "
                        + "whole/split median %.3f (min %.3f, max %.3f)%n", Cpu.get().modelName(), p.label(), px.size(0), rounds,
                whole[rounds / 2], split[rounds / 2], ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
    }
}
