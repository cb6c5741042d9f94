package dev.jclip.train;

import dev.jclip.data.Batch;
import dev.jclip.data.BatchSource;
import dev.jclip.model.ClipModel;
import dev.jclip.model.StateDicts;
import dev.jclip.tensor.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The contrastive training loop: batches from a {@link BatchSource}, one {@link StepRunner}
 * gradient per global batch, gradient clipping, AdamW with a schedule, the logit-scale clamp,
 * metrics, periodic evaluation and atomic checkpoints from which {@link #resume} continues
 * exactly (model, optimizer, schedule step and data position; all randomness is derived from the
 * seed and the position, so nothing else needs saving).
 */
public final class Trainer {
    /** Called with the model at evaluation points; returns metrics such as zeroshot_top1. */
    @FunctionalInterface
    public interface Evaluation {
        Map<String, Object> evaluate(ClipModel model, long step);
    }

    private final ClipModel model;
    private final TrainOptions opts;
    private final BatchSource data;
    private final Function<List<String>, List<long[]>> tokenizer;
    private final Path outDir;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private StepRunner runner;
    private dev.jclip.distributed.ProcessGroup group;
    private dev.jclip.distributed.GradientSync sync;
    private Consumer<Map<String, Object>> metrics = m -> { };
    private Evaluation evaluation;
    private PrintStream progressOut = System.err;
    private Checkpoints.Position position = new Checkpoints.Position(0, 0, 0);

    public Trainer(ClipModel model, TrainOptions opts, BatchSource data,
                   Function<List<String>, List<long[]>> tokenizer, Path outDir) {
        this.model = model;
        this.opts = opts;
        this.data = data;
        this.tokenizer = tokenizer;
        this.outDir = outDir;
        Map<String, Tensor> params = model.namedParameters(true);
        this.optimizer = new AdamW(params, ParamGroups.noDecay(params), opts.optimizer());
        this.schedule = LrSchedule.named(opts.schedule(), opts.optimizer().lr(), opts.warmup(), opts.steps(), opts.cooldown());
        this.runner = new StepRunner(model, opts.step());
    }

    /**
     * Makes this a data-parallel trainer over {@code group}: the loss spans the global batch (the
     * data source must yield this rank's share), gradients are averaged across ranks, rank 0's
     * weights are broadcast at the start, and only rank 0 logs and writes checkpoints.
     */
    public Trainer distributed(dev.jclip.distributed.ProcessGroup group, dev.jclip.distributed.DistributedLoss.Mode mode) {
        this.group = group;
        this.runner = new StepRunner(model, opts.step(), new dev.jclip.distributed.DistributedLoss(group, mode));
        this.sync = new dev.jclip.distributed.GradientSync(group, 25L << 20);
        return this;
    }

    private boolean isMain() {
        return group == null || group.rank() == 0;
    }

    public Trainer onMetrics(Consumer<Map<String, Object>> sink) {
        this.metrics = sink;
        return this;
    }

    public Trainer withEvaluation(Evaluation e) {
        this.evaluation = e;
        return this;
    }

    public Trainer progressTo(PrintStream out) {
        this.progressOut = out;
        return this;
    }

    public Checkpoints.Position position() {
        return position;
    }

    /** Restores model, optimizer and position from a checkpoint file. */
    public void resume(Path checkpoint) throws IOException {
        Checkpoints.Loaded c = Checkpoints.load(checkpoint);
        StateDicts.load(model, c.model());
        optimizer.load(c.optimizer());
        position = c.position();
    }

    /** Trains until {@code opts.steps()} optimizer steps are done; returns the final position. */
    public Checkpoints.Position run() throws IOException {
        return run(opts.steps());
    }

    /**
     * Trains until {@code stopAt} steps are done (at most the total; the schedule still spans the
     * total, so a later {@link #resume} continues the same run).
     */
    public Checkpoints.Position run(long stopAt) throws IOException {
        model.train(true);
        if (group != null) {
            dev.jclip.distributed.GradientSync.broadcastFromRankZero(group, List.copyOf(model.stateDict().values()));
        }
        long total = opts.steps();
        long until = Math.min(stopAt, total);
        double commSeconds = 0;
        long epoch = position.epoch(), inEpoch = position.batchInEpoch();
        Iterator<Batch> it = data.epoch(epoch, inEpoch);
        long t0 = System.nanoTime(), samplesSinceStart = 0, startStep = position.step(), lastTick = t0;
        int world = group == null ? 1 : group.worldSize();
        double emaLoss = Double.NaN;
        while (position.step() < until) {
            if (!it.hasNext()) {
                epoch++;
                inEpoch = 0;
                it = data.epoch(epoch, 0);
                if (!it.hasNext()) {
                    throw new IOException("the training data yielded no batch in epoch " + epoch);
                }
            }
            Batch batch = it.next();
            inEpoch = batch.position();
            long step = position.step();
            double lr = schedule.lr(step);
            optimizer.setLr(lr);
            double loss;
            double gradNorm = Double.NaN;
            try (PointerScope scope = new PointerScope()) {
                optimizer.zeroGrad();
                Tensor pixels = Torch.toTorch(batch.pixels());
                loss = runner.run(pixels, tokenizer.apply(batch.captions()));
                if (sync != null) {
                    sync.average(optimizer.parameters());
                    commSeconds = sync.lastSeconds();
                }
                if (opts.gradClipNorm() > 0) {
                    TensorVector ps = new TensorVector();
                    optimizer.parameters().forEach(ps::push_back);
                    gradNorm = torch.clip_grad_norm_(ps, opts.gradClipNorm());
                }
                optimizer.step();
                model.clampLogitScale();
            }
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("loss became " + loss + " at step " + step
                        + " (lower the learning rate or use fp32)");
            }
            position = new Checkpoints.Position(step + 1, epoch, inEpoch);
            samplesSinceStart += (long) batch.size() * world; // the global batch
            long now = System.nanoTime();
            double stepSeconds = (now - lastTick) / 1e9;
            lastTick = now;
            emaLoss = Double.isNaN(emaLoss) ? loss : 0.9 * emaLoss + 0.1 * loss;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            double rate = samplesSinceStart / Math.max(elapsed, 1e-9);
            long done = position.step();
            if (done % Math.max(1, opts.logEvery()) == 0 || done == total) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("step", done);
                m.put("epoch", epoch);
                m.put("loss", loss);
                m.put("lr", lr);
                m.put("logit_scale", logitScale());
                m.put("samples_per_s", rate);
                m.put("step_s", stepSeconds);
                m.put("skipped", data.skippedSamples());
                if (!Double.isNaN(gradNorm)) {
                    m.put("grad_norm", gradNorm);
                }
                if (group != null) {
                    m.put("world_size", group.worldSize());
                    m.put("grad_sync_s", commSeconds);
                }
                if (isMain()) {
                    metrics.accept(m);
                }
            }
            double eta = (total - done) * (elapsed / Math.max(1, done - startStep));
            if (isMain()) {
                progress(done, total, rate, emaLoss, lr, eta);
            }
            boolean last = done == until;
            if (isMain() && evaluation != null && ((opts.evalEvery() > 0 && done % opts.evalEvery() == 0) || last)) {
                model.eval();
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("step", done);
                e.putAll(evaluation.evaluate(model, done));
                model.train(true);
                if (isMain()) {
                    metrics.accept(e);
                    progressOut.printf("%nstep %d eval: %s%n", done, e);
                }
            }
            if (isMain() && ((opts.saveEvery() > 0 && done % opts.saveEvery() == 0) || last)) {
                Checkpoints.save(outDir, model, optimizer, position, opts.keepLast());
            }
        }
        if (isMain()) {
            progressOut.println();
        }
        model.eval();
        return position;
    }

    private double logitScale() {
        return model.logitScale.item_double();
    }

    private long lastDraw;

    private void progress(long done, long total, double rate, double loss, double lr, double etaSeconds) {
        long now = System.nanoTime();
        if (done != total && now - lastDraw < 250_000_000L) {
            return;
        }
        lastDraw = now;
        progressOut.printf("\rstep %d/%d  %.1f samples/s  loss %.4f  lr %.2e  scale %.2f  ETA %s   ",
                done, total, rate, loss, lr, Math.exp(logitScale()), eta(etaSeconds));
        progressOut.flush();
    }

    private static String eta(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }
}
