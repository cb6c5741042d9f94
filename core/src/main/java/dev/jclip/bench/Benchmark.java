package dev.jclip.bench;

import dev.jclip.runtime.ComputeThreads;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.runtime.Cpu;
import dev.jclip.runtime.OpenBlas;
import dev.jclip.runtime.Precision;
import dev.jclip.train.AdamW;
import dev.jclip.train.ParamGroups;
import dev.jclip.train.StepRunner;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Times encode_image, encode_text and one training step on random weights and inputs exactly as
 * the PyTorch baseline ({@code bench_torch.py}) does, and reports the same JSON fields plus the
 * achieved GFLOP/s.
 */
public final class Benchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to measure; {@code runner} sets accumulation, gradient checkpointing and precision of the
     * training task (the baseline's step is {@link StepRunner.Options#plain()}); {@code inference} is
     * the precision of the image and text tasks.
     */
    public record Spec(String modelName, ClipConfig config, String task, int batch, int promptLen, int threads,
                       int iters, int warmup, StepRunner.Options runner, Precision inference) {
        public Spec(String modelName, ClipConfig config, String task, int batch, int promptLen, int threads,
                    int iters, int warmup) {
            this(modelName, config, task, batch, promptLen, threads, iters, warmup, StepRunner.Options.plain(), Precision.FP32);
        }
    }

    private Benchmark() {
    }

    /** Token rows as the baseline makes them: start, random ids, end at position promptLen-1, zero padding. */
    static List<long[]> tokens(int batch, int length, int vocab, int ctx) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(0);
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            long[] row = new long[ctx];
            row[0] = vocab - 2;
            for (int j = 1; j < length - 1; j++) {
                row[j] = 1 + r.nextInt(vocab - 3);
            }
            row[length - 1] = vocab - 1;
            rows.add(row);
        }
        return rows;
    }

    static Tensor tokenTensor(List<long[]> rows) {
        int ctx = rows.get(0).length;
        long[] flat = new long[rows.size() * ctx];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * ctx, ctx);
        }
        return dev.jclip.tensor.Torch.longs(flat, rows.size(), ctx);
    }

    /** Runs the measurement and returns the JSON line. */
    public static ObjectNode run(Spec s) {
        ComputeThreads.set(s.threads());
        torch.manual_seed(0);
        ClipConfig c = s.config();
        ClipModel m = new ClipModel(c);
        if (s.inference() != Precision.FP32) {
            if (s.task().equals("train")) {
                throw new IllegalArgumentException("the training task takes its precision from the runner options");
            }
            m.setPrecision(s.inference());
        }
        Precision inference = s.task().equals("text") ? m.textPrecision() : m.imagePrecision();
        int r = c.imageResolution();
        Tensor px = torch.randn(s.batch(), 3, r, r);
        List<long[]> rows = tokens(s.batch(), s.promptLen(), c.vocabSize(), c.contextLength());
        Tensor tk = tokenTensor(rows);
        Runnable step;
        double flopsPerItem;
        switch (s.task()) {
            case "image" -> {
                m.eval();
                step = () -> {
                    try (InferenceMode im = new InferenceMode()) {
                        m.encodeImage(px);
                    }
                };
                flopsPerItem = Flops.image(c);
            }
            case "text" -> {
                m.eval();
                step = () -> {
                    try (InferenceMode im = new InferenceMode()) {
                        m.encodeText(tk);
                    }
                };
                flopsPerItem = Flops.text(c, s.promptLen()); // positions actually computed
            }
            case "train" -> {
                m.train(true);
                Map<String, Tensor> params = m.namedParameters(true);
                AdamW opt = new AdamW(params, ParamGroups.noDecay(params), new AdamW.Options(1e-4, 0.2, 0.9, 0.98, 1e-6));
                StepRunner runner = new StepRunner(m, s.runner());
                step = () -> {
                    opt.zeroGrad();
                    runner.run(px, rows);
                    opt.step();
                };
                flopsPerItem = 3 * (Flops.image(c) + Flops.text(c, s.promptLen()));
            }
            default -> throw new IllegalArgumentException("unknown task '" + s.task() + "' (image, text, train, preprocess)");
        }
        // inference: the batch-split choice is made in the warm-up, not in the timed calls
        int warmup = s.task().equals("train") ? s.warmup() : Math.max(s.warmup(), dev.jclip.runtime.BatchSplit.callsToChoose());
        for (int i = 0; i < warmup; i++) {
            try (PointerScope scope = new PointerScope()) {
                step.run();
            }
        }
        double[] times = new double[s.iters()];
        for (int i = 0; i < s.iters(); i++) {
            try (PointerScope scope = new PointerScope()) {
                long t0 = System.nanoTime();
                step.run();
                times[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        Arrays.sort(times);
        double med = times[times.length / 2];
        ObjectNode o = JSON.createObjectNode();
        o.put("impl", "jclip");
        o.put("torch", "libtorch-2.10.0");
        o.put("threads", s.threads());
        o.put("task", s.task());
        o.put("model", s.modelName());
        o.put("batch", s.batch());
        o.put("warmup", warmup);
        if (s.task().equals("image")) {
            o.putNull("prompt_len");
        } else {
            o.put("prompt_len", s.promptLen());
        }
        o.put("median_s_per_batch", round(med, 4));
        o.put("items_per_s", round(s.batch() / med, 2));
        o.put("gflop_per_s", round(flopsPerItem * s.batch() / med / 1e9, 1));
        o.put("peak_rss_mb", peakRssMb());
        if (!s.task().equals("train")) {
            o.put("precision", inference.label());
            o.put("requested_precision", s.inference().label());
            // whole or split over the threads (runtime.BatchSplit), with the timings that decided it
            o.put("batch_split", String.join("; ", m.batchSplitDecisions().values()));
        }
        Cpu cpu = Cpu.get();
        o.put("cpu", cpu.describe());
        o.put("cpu_model", cpu.modelName());
        OpenBlas blas = OpenBlas.get();
        o.put("openblas_core", blas.core());
        o.put("openblas_core_forced", blas.coreForced());
        o.put("openblas_idle_spin", blas.idleSpin());   // log2 cycles; 28 (unset) takes the cores from libgomp
        // inference products run on oneDNN where it was probed faster (runtime.PackedLinear); training keeps OpenBLAS
        o.put("native_heap_tuned", dev.jclip.runtime.NativeHeap.get().tuned());   // malloc keeps tensors' pages (./clip)
        o.put("fp32_linear", s.task().equals("train") ? "openblas" : dev.jclip.runtime.Machine.get().linearPath(Precision.FP32));
        o.put("bf16_linear", s.task().equals("train") ? "onednn" : dev.jclip.runtime.Machine.get().linearPath(Precision.BF16));
        if (blas.l2Size() != null) {
            o.put("openblas_l2_size", blas.l2Size());
        }
        if (s.task().equals("train") && !s.runner().equals(StepRunner.Options.plain())) {
            o.put("accum_freq", s.runner().microBatches());
            o.put("grad_checkpointing", s.runner().checkpointing());
            o.put("precision", s.runner().precision().name().toLowerCase(java.util.Locale.ROOT));
            int parts = new StepRunner(m, s.runner()).parts(s.batch()); // the rule the timed runner followed
            o.put("batch_split", parts > 1 ? "split (" + parts + " parts, bf16 ViT steps always)" : "whole");
        }
        return o;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** Peak resident set size in MB: {@link dev.jclip.runtime.PeakMemory#mb()}. */
    public static double peakRssMb() {
        return dev.jclip.runtime.PeakMemory.mb();
    }
}
