package dev.jclip.train;

import dev.jclip.runtime.Precision;
import dev.jclip.data.Batch;
import dev.jclip.data.BatchSource;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.model.StateDicts;
import dev.jclip.tensor.HostTensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run stopped after a checkpoint and resumed follows the uninterrupted run's loss curve exactly. */
class TrainerResumeTest {
    static final ClipConfig CFG = ClipConfig.vit(32, 16, 2, 64, 8, 77, 300, 64, 1, 2);

    /** Deterministic synthetic pairs: the caption names the brightest colour channel. */
    static final class SyntheticSource implements BatchSource {
        final int batchesPerEpoch = 4, batch = 8;

        @Override
        public Iterator<Batch> epoch(long epoch, long skip) {
            List<Batch> out = new ArrayList<>();
            for (int b = (int) (skip / batch); b < batchesPerEpoch; b++) {
                SplittableRandom r = new SplittableRandom(epoch * 1000 + b);
                float[] px = new float[batch * 3 * 16 * 16];
                List<String> caps = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    int c = r.nextInt(3);
                    for (int j = 0; j < 3 * 256; j++) {
                        px[i * 768 + j] = (float) (r.nextGaussian() * 0.1 + (j / 256 == c ? 1 : 0));
                    }
                    caps.add(List.of("red", "green", "blue").get(c) + " " + i % 2);
                }
                out.add(new Batch(HostTensor.ofFloats(px, batch, 3, 16, 16), caps, new int[batch], (long) (b + 1) * batch));
            }
            return out.iterator();
        }

        @Override
        public long batchesPerEpoch() {
            return batchesPerEpoch;
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

    static TrainOptions options(long steps, Precision precision) {
        return new TrainOptions(steps, 8, AdamW.Options.defaults(true), 2, "cosine", 0, 1.0,
                new StepRunner.Options(1, false, precision), 1, 3, 2, 0, 1);
    }

    static List<Double> losses(Map<String, HostTensor> init, Path out, long stopAt, boolean resume, Precision precision)
            throws Exception {
        ClipModel m = ClipModel.shapeOnly(CFG);
        StateDicts.load(m, init);
        List<Double> losses = new ArrayList<>();
        Trainer t = new Trainer(m, options(10, precision), new SyntheticSource(), TrainerResumeTest::tokenize, out)
                .onMetrics(x -> {
                    if (x.containsKey("loss")) {
                        losses.add((Double) x.get("loss"));
                    }
                });
        if (resume) {
            t.resume(Checkpoints.latest(out).orElseThrow());
        }
        t.run(stopAt);
        return losses;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Precision.class, names = {"FP32", "BF16"}) // what a trainer runs
    void resumedRunMatchesUninterrupted(Precision precision, @TempDir Path dir) throws Exception {
        torch.manual_seed(3);
        Map<String, HostTensor> init = StateDicts.toHost(new ClipModel(CFG));
        List<Double> full = losses(init, dir.resolve("full"), 10, false, precision);
        // the interrupted run stops after step 6 (its last checkpoint), then a new process resumes
        List<Double> first = losses(init, dir.resolve("split"), 6, false, precision);
        assertEquals(2, Checkpoints.list(dir.resolve("split")).size(), "keeps only the newest checkpoints");
        List<Double> second = losses(init, dir.resolve("split"), 10, true, precision);
        List<Double> joined = new ArrayList<>(first);
        joined.addAll(second);
        System.out.println(precision + " uninterrupted " + full + "\nresumed       " + joined);
        assertEquals(full.size(), joined.size());
        for (int i = 0; i < full.size(); i++) {
            assertEquals(full.get(i), joined.get(i), 1e-6 * Math.abs(full.get(i)), "loss at step " + (i + 1));
        }
    }

    @Test
    void aTrainerRefusesInt8AndResolvesAuto() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new StepRunner.Options(1, false, Precision.INT8));
        assertTrue(e.getMessage().contains("int8 is an inference precision"), e.getMessage());
        Precision auto = new StepRunner.Options(1, false, Precision.AUTO).precision();
        assertTrue(auto == Precision.FP32 || auto == Precision.BF16, auto.toString());
    }
}
