package dev.jclip.train;

import dev.jclip.runtime.Precision;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.model.StateDicts;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Accumulation and gradient checkpointing give the gradient of the plain full-batch step. */
class StepRunnerTest {
    static final ClipConfig VIT = ClipConfig.vit(32, 32, 3, 64, 8, 77, 500, 64, 1, 2);
    static final ClipConfig RN = ClipConfig.resnet(32, 64, List.of(1, 1, 1, 1), 16, 77, 300, 64, 1, 1);

    record Result(double loss, Map<String, float[]> grads, Map<String, float[]> buffers) {
    }

    static Result step(ClipConfig cfg, Map<String, HostTensor> init, StepRunner.Options o, int batch, long seed) throws Exception {
        ClipModel m = ClipModel.shapeOnly(cfg);
        StateDicts.load(m, init);
        m.train(true);
        torch.manual_seed(seed);
        Tensor px = torch.randn(batch, 3, cfg.imageResolution(), cfg.imageResolution());
        Random r = new Random(seed);
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            long[] row = new long[77];
            int len = 2 + r.nextInt(10);
            for (int j = 0; j < len; j++) {
                row[j] = 1 + r.nextInt(cfg.vocabSize() - 3);
            }
            row[len] = cfg.vocabSize() - 1;
            rows.add(i % 5 == 4 ? rows.get(i - 1) : row); // some duplicate captions
        }
        double loss = new StepRunner(m, o).run(px, rows);
        Map<String, float[]> g = new LinkedHashMap<>();
        m.namedParameters(true).forEach((k, v) -> {
            if (!v.grad().defined()) {
                throw new AssertionError("no gradient reached " + k);
            }
            g.put(k, Torch.toFloatArray(v.grad()));
        });
        Map<String, float[]> b = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> {
            if (k.contains("running_")) {
                b.put(k, Torch.toFloatArray(v));
            }
        });
        return new Result(loss, g, b);
    }

    static double worstRelative(Result a, Result b) {
        double worst = 0;
        for (String k : a.grads.keySet()) {
            float[] x = a.grads.get(k), y = b.grads.get(k);
            double maxRef = 0, maxDiff = 0;
            for (int i = 0; i < x.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(x[i]));
                maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
            }
            worst = Math.max(worst, maxDiff / (1e-4 * maxRef + 1e-6));
        }
        return worst;
    }

    static Map<String, HostTensor> init(ClipConfig cfg) {
        torch.manual_seed(7);
        return StateDicts.toHost(new ClipModel(cfg));
    }

    @Test
    void accumulationEqualsFullBatchOnVit() throws Exception {
        var init = init(VIT);
        Result full = step(VIT, init, StepRunner.Options.plain(), 16, 3);
        Result acc = step(VIT, init, new StepRunner.Options(4, false, Precision.FP32), 16, 3);
        System.out.printf("ViT accumulation 4x4 vs 16: loss %.7f vs %.7f, worst gradient at %.3f of bound%n",
                acc.loss, full.loss, worstRelative(full, acc));
        assertEquals(full.loss, acc.loss, 1e-5 * full.loss);
        assertTrue(worstRelative(full, acc) <= 1.0);
    }

    @Test
    void checkpointingEqualsPlainOnVitAndResNet() throws Exception {
        for (ClipConfig cfg : List.of(VIT, RN)) {
            var init = init(cfg);
            Result plain = step(cfg, init, StepRunner.Options.plain(), 8, 5);
            Result ckpt = step(cfg, init, new StepRunner.Options(1, true, Precision.FP32), 8, 5);
            double w = worstRelative(plain, ckpt);
            System.out.printf("%s checkpointing vs plain: loss %.7f vs %.7f, worst gradient at %.3f of bound%n",
                    cfg.isVit() ? "ViT" : "ResNet", ckpt.loss, plain.loss, w);
            assertEquals(plain.loss, ckpt.loss, 1e-6 * plain.loss);
            assertTrue(w <= 1.0);
            // running statistics updated exactly once
            for (String k : plain.buffers.keySet()) {
                assertTrue(Parity.maxAbs(plain.buffers.get(k), ckpt.buffers.get(k)) <= 1e-6, k);
            }
        }
    }

    @Test
    void accumulationWithCheckpointingOnVit() throws Exception {
        var init = init(VIT);
        Result full = step(VIT, init, StepRunner.Options.plain(), 12, 9);
        Result both = step(VIT, init, new StepRunner.Options(3, true, Precision.FP32), 12, 9);
        assertEquals(full.loss, both.loss, 1e-5 * full.loss);
        assertTrue(worstRelative(full, both) <= 1.0);
    }

    @Test
    void bf16AutocastStepIsCloseToFp32() throws Exception {
        var init = init(VIT);
        Result f = step(VIT, init, StepRunner.Options.plain(), 8, 11);
        Result h = step(VIT, init, new StepRunner.Options(1, false, Precision.BF16), 8, 11);
        System.out.printf("bf16 loss %.5f vs fp32 %.5f%n", h.loss, f.loss);
        assertEquals(f.loss, h.loss, 0.05 * f.loss);
        assertTrue(h.grads.values().stream().allMatch(a -> a.length > 0));
    }

    /** Cosine between the two results' gradients, all parameters concatenated. */
    static double gradientCosine(Result a, Result b) {
        double d = 0, na = 0, nb = 0;
        for (String k : a.grads.keySet()) {
            float[] x = a.grads.get(k), y = b.grads.get(k);
            for (int i = 0; i < x.length; i++) {
                d += (double) x[i] * y[i];
                na += (double) x[i] * x[i];
                nb += (double) y[i] * y[i];
            }
        }
        return d / Math.sqrt(na * nb);
    }

    /**
     * bf16 with accumulation and checkpointing learns what fp32 does with the same options (with
     * BatchNorm, accumulation normalizes per micro-batch in both, so the ResNet is compared with the
     * same micro-batches), and on the ViT it equals bf16's own full batch.
     */
    @Test
    void bf16AccumulationAndCheckpointingMatchFp32() throws Exception {
        for (ClipConfig cfg : List.of(VIT, RN)) {
            var init = init(cfg);
            Result fp32 = step(cfg, init, new StepRunner.Options(3, true, Precision.FP32), 12, 13);
            Result both = step(cfg, init, new StepRunner.Options(3, true, Precision.BF16), 12, 13);
            double c = gradientCosine(fp32, both);
            System.out.printf("%s bf16 accumulation 3 + checkpointing: loss %.5f (fp32 %.5f), gradient cosine to fp32 %.5f%n",
                    cfg.isVit() ? "ViT" : "ResNet", both.loss, fp32.loss, c);
            assertEquals(fp32.loss, both.loss, 0.01 * fp32.loss);
            assertTrue(c >= 0.99, "bf16 gradient cosine to fp32 " + c);
            if (cfg.isVit()) {
                Result full = step(cfg, init, new StepRunner.Options(1, false, Precision.BF16), 12, 13);
                assertEquals(full.loss, both.loss, 1e-3 * full.loss);
                assertTrue(gradientCosine(full, both) >= 0.999);
            }
        }
    }

    /**
     * A bf16 step run as one part per compute thread (runtime.BatchSplit: each part encoded and
     * back-propagated on its own thread, both accumulating into the same parameters) gives the
     * whole batch's loss and gradient; fp32, ResNet, accumulated and checkpointed steps never split.
     */
    @Test
    void aStepInPartsEqualsTheWholeStep() throws Exception {
        int threads = org.bytedeco.pytorch.global.torch.get_num_threads();
        dev.jclip.runtime.ComputeThreads.set(2);
        try {
            var init = init(VIT);
            StepRunner.Options bf16 = new StepRunner.Options(1, false, Precision.BF16);
            System.setProperty("jclip.batchSplit", "off");
            Result whole = step(VIT, init, bf16, 12, 17);
            System.setProperty("jclip.batchSplit", "on");
            Result parts = step(VIT, init, bf16, 12, 17);
            double c = gradientCosine(whole, parts);
            System.out.printf("bf16 step in 2 parts: loss %.7f (whole %.7f), gradient cosine %.6f%n", parts.loss, whole.loss, c);
            assertEquals(whole.loss, parts.loss, 1e-4 * whole.loss);
            assertTrue(c >= 0.9999, "gradient cosine of the split step to the whole step " + c);

            System.setProperty("jclip.batchSplit", "auto");
            for (ClipConfig cfg : List.of(VIT, RN)) {
                for (Precision p : List.of(Precision.BF16, Precision.FP32)) {
                    ClipModel m = ClipModel.shapeOnly(cfg);
                    StepRunner plain = new StepRunner(m, new StepRunner.Options(1, false, p));
                    assertEquals(cfg.isVit() && p == Precision.BF16 ? 2 : 1, plain.parts(8), (cfg.isVit() ? "ViT " : "ResNet ") + p);
                    assertEquals(1, new StepRunner(m, new StepRunner.Options(2, false, p)).parts(8), "with accumulation");
                    assertEquals(1, new StepRunner(m, new StepRunner.Options(1, true, p)).parts(8), "with checkpointing");
                    assertEquals(1, plain.parts(3), "3 pairs");
                }
            }
            System.setProperty("jclip.batchSplit", "off");
            assertEquals(1, new StepRunner(ClipModel.shapeOnly(VIT), bf16).parts(8));
        } finally {
            System.clearProperty("jclip.batchSplit");
            dev.jclip.runtime.ComputeThreads.set(threads);
        }
    }
}
