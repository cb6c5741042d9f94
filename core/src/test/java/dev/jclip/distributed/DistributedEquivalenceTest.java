package dev.jclip.distributed;

import dev.jclip.data.Batch;
import dev.jclip.data.BatchSource;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.model.StateDicts;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.Torch;
import dev.jclip.train.AdamW;
import dev.jclip.runtime.Precision;
import dev.jclip.train.StepRunner;
import dev.jclip.train.TrainOptions;
import dev.jclip.train.Trainer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * World size 2 on loopback (two ranks, each with its own Gloo process group) reproduces a
 * single-process run of the same global batches: losses, averaged gradients and parameters.
 */
class DistributedEquivalenceTest {
    static final ClipConfig CFG = ClipConfig.vit(32, 16, 2, 64, 8, 77, 300, 64, 1, 2);
    static final int GLOBAL = 8, STEPS = 10;

    /** Global batch b of epoch e; a rank sees rows [rank·n, (rank+1)·n). */
    static final class Source implements BatchSource {
        final int rank, world;

        Source(int rank, int world) {
            this.rank = rank;
            this.world = world;
        }

        @Override
        public Iterator<Batch> epoch(long epoch, long skip) {
            List<Batch> out = new ArrayList<>();
            int n = GLOBAL / world;
            for (int b = 0; b < 6; b++) {
                SplittableRandom r = new SplittableRandom(epoch * 100 + b);
                float[] all = new float[GLOBAL * 768];
                List<String> caps = new ArrayList<>();
                for (int i = 0; i < GLOBAL; i++) {
                    int c = r.nextInt(3);
                    for (int j = 0; j < 768; j++) {
                        all[i * 768 + j] = (float) (r.nextGaussian() * 0.2 + (j / 256 == c ? 1 : 0));
                    }
                    caps.add(List.of("red", "green", "blue").get(c) + " " + (i % 3));
                }
                float[] mine = java.util.Arrays.copyOfRange(all, rank * n * 768, (rank + 1) * n * 768);
                out.add(new Batch(HostTensor.ofFloats(mine, n, 3, 16, 16), caps.subList(rank * n, (rank + 1) * n),
                        new int[n], (long) (b + 1) * n));
            }
            return out.subList((int) (skip / n), out.size()).iterator();
        }

        @Override
        public long batchesPerEpoch() {
            return 6;
        }

        @Override
        public long skippedSamples() {
            return 0;
        }
    }

    static List<long[]> tokenize(List<String> caps) {
        List<long[]> rows = new ArrayList<>();
        for (String c : caps) {
            long[] row = new long[77];
            String[] w = c.split(" ");
            for (int i = 0; i < w.length; i++) {
                row[i] = 1 + Math.floorMod(w[i].hashCode(), 290);
            }
            row[w.length] = 299;
            rows.add(row);
        }
        return rows;
    }

    /**
     * @param maxGrad per parameter part, the largest |gradient| seen over all steps; packed
     *                in_proj biases are split into their q, k and v thirds because only the key part
     *                has a true gradient of zero
     */
    record Run(List<Double> losses, Map<String, float[]> params, Map<String, float[]> lastGrads,
               Map<String, Double> maxGrad) {
    }

    static Map<String, float[]> parts(String name, float[] v) {
        Map<String, float[]> out = new LinkedHashMap<>();
        if (name.endsWith("in_proj_bias")) {
            int d = v.length / 3;
            out.put(name + "[q]", java.util.Arrays.copyOfRange(v, 0, d));
            out.put(name + "[k]", java.util.Arrays.copyOfRange(v, d, 2 * d));
            out.put(name + "[v]", java.util.Arrays.copyOfRange(v, 2 * d, 3 * d));
        } else {
            out.put(name, v);
        }
        return out;
    }

    static Run train(Map<String, HostTensor> init, int rank, int world, Path out, ProcessGroup pg,
                     DistributedLoss.Mode mode) throws Exception {
        return train(init, rank, world, out, pg, mode, new StepRunner.Options(1, false, Precision.FP32));
    }

    static Run train(Map<String, HostTensor> init, int rank, int world, Path out, ProcessGroup pg,
                     DistributedLoss.Mode mode, StepRunner.Options step) throws Exception {
        ClipModel m = ClipModel.shapeOnly(CFG);
        StateDicts.load(m, init);
        TrainOptions o = new TrainOptions(STEPS, GLOBAL, new AdamW.Options(1e-3, 0.2, 0.9, 0.98, 1e-6), 2, "cosine", 0,
                0, step, 1, 0, 1, 0, 1);
        List<Double> losses = new ArrayList<>();
        Map<String, Double> maxGrad = new LinkedHashMap<>();
        Trainer t = new Trainer(m, o, new Source(rank, world), DistributedEquivalenceTest::tokenize, out)
                .onMetrics(x -> {
                    losses.add((Double) x.get("loss"));
                    for (var e : m.namedParameters(true).entrySet()) {
                        Tensor gr = e.getValue().grad();
                        if (gr.defined()) {
                            parts(e.getKey(), Torch.toFloatArray(gr)).forEach((k, v) -> {
                                double mx = 0;
                                for (float f : v) {
                                    mx = Math.max(mx, Math.abs(f));
                                }
                                maxGrad.merge(k, mx, Math::max);
                            });
                        }
                    }
                });
        if (pg != null) {
            t.distributed(pg, mode);
            if (rank != 0) {
                List<Double> sink = new ArrayList<>();
                t.onMetrics(x -> sink.add((Double) x.get("loss")));
            }
        }
        t.run();
        Map<String, float[]> p = new LinkedHashMap<>(), g = new LinkedHashMap<>();
        for (var e : m.namedParameters(true).entrySet()) {
            p.put(e.getKey(), Torch.toFloatArray(e.getValue()));
            Tensor gr = e.getValue().grad();
            g.put(e.getKey(), gr.defined() ? Torch.toFloatArray(gr) : new float[(int) e.getValue().numel()]);
        }
        return new Run(losses, p, g, maxGrad);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @EnumSource(DistributedLoss.Mode.class)
    void worldSizeTwoMatchesSingleProcess(DistributedLoss.Mode mode, @TempDir Path dir) throws Exception {
        compareWorldTwo(mode, new StepRunner.Options(1, false, Precision.FP32), dir);
    }

    /** Each rank splits its half of the batch into 2 micro-batches and recomputes blocks in backward. */
    @ParameterizedTest
    @EnumSource(DistributedLoss.Mode.class)
    void accumulationAndCheckpointingKeepWorkingWhenDistributed(DistributedLoss.Mode mode, @TempDir Path dir) throws Exception {
        compareWorldTwo(mode, new StepRunner.Options(2, true, Precision.FP32), dir);
    }

    /**
     * bf16 (autocast, fp32 master weights) works distributed: two ranks with accumulation and
     * checkpointing follow the single-process bf16 run within bf16's rounding, and the ranks hold
     * identical averaged gradients.
     */
    @org.junit.jupiter.api.Test
    void bf16TrainsDistributedLikeSingleProcess(@TempDir Path dir) throws Exception {
        DistributedLoss.Mode mode = DistributedLoss.Mode.values()[0];
        StepRunner.Options bf16 = new StepRunner.Options(2, true, Precision.BF16);
        torch.manual_seed(5);
        Map<String, HostTensor> init = StateDicts.toHost(new ClipModel(CFG));
        Run single = train(init, 0, 1, dir.resolve("single"), null, mode, new StepRunner.Options(1, false, Precision.BF16));
        List<Run> ranks = worldTwo(init, dir, mode, bf16);
        Run r0 = ranks.get(0), r1 = ranks.get(1);
        double worst = 0;
        for (int i = 0; i < STEPS; i++) {
            worst = Math.max(worst, Math.abs(r0.losses.get(i) - single.losses.get(i)) / Math.abs(single.losses.get(i)));
        }
        System.out.printf("bf16 world 2 (accumulation 2, checkpointing) vs world 1: worst loss relative error %.2e%n", worst);
        assertTrue(worst <= 1e-2, "bf16 distributed loss relative error " + worst);
        for (String k : r0.lastGrads.keySet()) {
            assertTrue(java.util.Arrays.equals(r0.lastGrads.get(k), r1.lastGrads.get(k)), "ranks differ on " + k);
        }
    }

    /** Trains world size 2 on two threads of this JVM (one process group each) and returns both ranks' runs. */
    static List<Run> worldTwo(Map<String, HostTensor> init, Path dir, DistributedLoss.Mode mode, StepRunner.Options step)
            throws Exception {
        int port = freePort();
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            List<Future<Run>> ranks = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int rank = r;
                ranks.add(ex.submit(() -> {
                    try (ProcessGroup pg = ProcessGroup.connect(new DistEnv(rank, 2, rank, "127.0.0.1", port), Duration.ofSeconds(60))) {
                        return train(init, rank, 2, dir.resolve("dist" + rank), pg, mode, step);
                    }
                }));
            }
            return List.of(ranks.get(0).get(5, TimeUnit.MINUTES), ranks.get(1).get(5, TimeUnit.MINUTES));
        } finally {
            ex.shutdown();
        }
    }

    static void compareWorldTwo(DistributedLoss.Mode mode, StepRunner.Options step, Path dir) throws Exception {
        torch.manual_seed(5);
        Map<String, HostTensor> init = StateDicts.toHost(new ClipModel(CFG));
        Run single = train(init, 0, 1, dir.resolve("single"), null, mode);

        List<Run> ranks = worldTwo(init, dir, mode, step);
        Run r0 = ranks.get(0), r1 = ranks.get(1);

        assertEquals(STEPS, r0.losses.size());
        double worstLoss = 0;
        for (int i = 0; i < STEPS; i++) {
            double rel = Math.abs(r0.losses.get(i) - single.losses.get(i)) / Math.abs(single.losses.get(i));
            worstLoss = Math.max(worstLoss, rel);
        }
        assertTrue(worstLoss <= 1e-5, "loss relative error " + worstLoss);
        double worstGrad = 0, worstParam = 0;
        int exempt = 0;
        for (String k : single.params.keySet()) {
            float[] gs = single.lastGrads.get(k), g0 = r0.lastGrads.get(k), g1 = r1.lastGrads.get(k);
            double maxRef = 0, d = 0, d01 = 0;
            for (int i = 0; i < gs.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(gs[i]));
                d = Math.max(d, Math.abs(gs[i] - g0[i]));
                d01 = Math.max(d01, Math.abs(g0[i] - g1[i]));
            }
            double bound = 1e-4 * maxRef + 1e-6;
            worstGrad = Math.max(worstGrad, d / bound);
            assertTrue(d <= bound, "averaged gradient of " + k + ": " + d + " > " + bound);
            assertEquals(0.0, d01, "ranks hold identical averaged gradients of " + k);
            Map<String, float[]> ps = parts(k, single.params.get(k)), p0 = parts(k, r0.params.get(k));
            for (String part : ps.keySet()) {
                if (single.maxGrad.getOrDefault(part, 0.0) < 1e-7) {
                    exempt++; // attention key biases: softmax ignores them, AdamW random-walks their noise
                    continue;
                }
                float[] a = ps.get(part), b = p0.get(part);
                double pd = 0, pmax = 0;
                for (int i = 0; i < a.length; i++) {
                    pd = Math.max(pd, Math.abs(a[i] - b[i]));
                    pmax = Math.max(pmax, Math.abs(a[i]));
                }
                double pb = 1e-4 * pmax + 1e-6;
                worstParam = Math.max(worstParam, pd / pb);
                assertTrue(pd <= pb, "parameter " + part + " after " + STEPS + " steps: " + pd + " > " + pb);
            }
        }
        System.out.printf("%s%s, world 2 vs 1, %d steps: loss rel %.2e; gradients worst %.3f of bound; parameters worst %.3f of bound (%d tensors exempt)%n",
                mode, step.microBatches() > 1 ? " (2 micro-batches per rank, checkpointing)" : "", STEPS, worstLoss, worstGrad, worstParam, exempt);
    }
}
