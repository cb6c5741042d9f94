package dev.jclip.cli;

import dev.jclip.data.DataLoader;
import dev.jclip.data.ImageTransforms;
import dev.jclip.data.SampleSource;
import dev.jclip.data.SkipLog;
import dev.jclip.distributed.DistEnv;
import dev.jclip.distributed.ProcessGroup;
import dev.jclip.eval.LabelledImages;
import dev.jclip.eval.ZeroShotEval;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelFiles;
import dev.jclip.report.MetricsLog;
import dev.jclip.report.TrainingReport;
import dev.jclip.runtime.ComputeThreads;
import dev.jclip.runtime.Precision;
import dev.jclip.train.Checkpoints;
import dev.jclip.train.StepRunner;
import dev.jclip.train.TrainOptions;
import dev.jclip.train.Trainer;
import dev.jclip.zeroshot.Templates;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip train}: contrastive training or fine-tuning, on one process or many. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a CLIP model from scratch or fine-tune one, with open_clip's techniques; "
                + "checkpoints, metrics (JSON lines), periodic zero-shot evaluation and an HTML report.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainModelOptions modelOptions;
    @Mixin
    TrainDataOptions data;
    @Mixin
    ScheduleOptions schedule;
    // memory and precision
    @Mixin
    PrecisionOption precision;
    @Option(names = "--accum-freq", defaultValue = "1", description = "Micro-batches per step (open_clip-style accumulation).")
    int accum;
    @Option(names = "--grad-checkpointing", description = "Recompute blocks in backward.")
    boolean gradCheckpointing;
    // run
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = {"-o", "--output"}, defaultValue = "runs/train", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path output;
    @Option(names = "--save-every", defaultValue = "500", description = "Checkpoint every N steps.")
    long saveEvery;
    @Option(names = "--keep", defaultValue = "2", description = "Checkpoints to keep.")
    int keep;
    @Option(names = "--resume", description = "latest or a checkpoint file.")
    String resume;
    @Option(names = "--log-every", defaultValue = "10")
    long logEvery;
    @Option(names = "--threads", defaultValue = "0", description = "libtorch threads per process (0: cores / local processes, at least 1; "
            + "with --nproc-per-node each local rank gets its share).")
    int threads;
    @Mixin
    ZeroShotOptions zeroshot;
    @Mixin
    DistributedOptions dist;
    @Option(names = "--no-report", description = "Skip the HTML report.")
    boolean noReport;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Accuracy of the last evaluation (for callers such as the demo). */
    Map<String, Object> lastEval;

    @Override
    public Integer call() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        if (dist.isLauncher()) {
            // picocli keeps the whole command line, including the subcommand name
            List<String> all = spec.commandLine().getParseResult().originalArgs();
            int start = all.indexOf(spec.name()) == 0 ? 1 : 0;
            String[] original = all.subList(start, all.size()).toArray(new String[0]);
            return Launcher.launch("train", DistributedOptions.workerArgs(original), dist.nprocPerNode, dist.nnodes,
                    dist.nodeRank, dist.masterAddr, dist.masterPort, output,
                    Launcher.threadsPerRank(threads, dist.nprocPerNode, cores));
        }
        DistEnv env = dist.env();
        int localProcs = dist.localProcesses();
        int torchThreads = Launcher.threadsPerRank(threads, localProcs, cores);
        ComputeThreads.set(torchThreads);
        if (localProcs > 1 || threads > 0) {
            System.err.printf("rank %d: %d libtorch threads (%d local processes on %d cores)%n", env.rank(), torchThreads,
                    localProcs, cores);
        }
        torch.manual_seed(seed);

        ClipModel clip = modelOptions.build();
        ClipConfig cfg = clip.config();
        if (schedule.batchSize % env.worldSize() != 0) {
            throw new IllegalArgumentException("batch size " + schedule.batchSize + " is not divisible by world size " + env.worldSize());
        }
        int localBatch = schedule.batchSize / env.worldSize();
        SampleSource source = data.source(seed, env.rank(), env.worldSize());
        long totalSteps = schedule.totalSteps(source, localBatch);
        TrainOptions o = new TrainOptions(totalSteps, schedule.batchSize, schedule.optimizer(cfg.isVit()), schedule.warmup,
                schedule.scheduler, schedule.cooldown, schedule.gradClip,
                new StepRunner.Options(accum, gradCheckpointing, precision.or(Precision.FP32)), seed, saveEvery, keep,
                zeroshot.every, logEvery);

        Files.createDirectories(output);
        dev.jclip.model.TextTower text = clip.text();
        if (clip.sentenceTower() != null && !source.classNames().isEmpty()) {
            // every caption is a template × class name: encode them all once now (cached on disk)
            List<String> all = new ArrayList<>();
            for (String t : data.templates()) {
                for (String n : source.classNames()) {
                    all.add(t.replace("{}", n));
                }
            }
            long t0 = System.nanoTime();
            text.rows(all);
            if (env.isMain()) {
                System.err.printf("text tower %s: %d caption features ready in %.1f s%n", text.kind(), all.size(),
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        try (DataLoader loader = new DataLoader(source, ImageTransforms.train(cfg.imageResolution()), localBatch,
                cfg.imageResolution(), data.workers, seed);
             ProcessGroup group = env.distributed() ? ProcessGroup.connect(env, dist.timeout()) : null) {
            Trainer trainer = new Trainer(clip, o, loader, text::rows, output);
            if (group != null) {
                trainer.distributed(group, dist.lossMode());
            }
            resume(trainer, env);
            Path metricsFile = output.resolve("metrics.jsonl");
            MetricsLog log = env.isMain() ? MetricsLog.open(metricsFile) : null;
            if (log != null) {
                log.truncateAfterStep(trainer.position().step());
                trainer.onMetrics(m -> {
                    try {
                        log.append(m);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            LabelledImages evalSet = null;
            if (zeroshot.data != null && env.isMain()) {
                evalSet = zeroshot.load(data.spec, cfg.imageResolution(), data.workers);
                Templates evalTemplates = zeroshot.templates(data.templates(), !source.classNames().isEmpty());
                LabelledImages zeroshotSet = evalSet;
                trainer.withEvaluation((m, step) -> {
                    lastEval = ZeroShotEval.accuracy(m, zeroshotSet, evalTemplates);
                    return lastEval;
                });
            }
            long t0 = System.nanoTime();
            trainer.run();
            double minutes = (System.nanoTime() - t0) / 60e9;
            if (log != null) {
                log.close();
            }
            if (env.isMain()) {
                ModelFiles.save(clip, output.resolve("model.safetensors"));
                System.out.printf("trained %d steps in %.1f min; model: %s%n", totalSteps, minutes, output.resolve("model.safetensors"));
                if (!noReport) {
                    Path html = TrainingReport.write(metricsFile, output, "jclip training: " + output.getFileName());
                    System.out.println("report: " + html);
                }
                if (lastEval != null) {
                    System.out.printf("zero-shot top-1: %.1f%%  top-5: %.1f%%  (%s templates)%n",
                            100 * (Double) lastEval.get("zeroshot_top1"), 100 * (Double) lastEval.get("zeroshot_top5"),
                            zeroshot.templates);
                }
            }
            // Each rank lists what it left out of its own share of the data (and rank 0 of the
            // zero-shot set): skipped.txt on rank 0, skipped-rank<R>.txt on the others.
            SkipLog skipped = new SkipLog();
            skipped.addAll(loader.skippedItems());
            if (evalSet != null) {
                skipped.addAll(evalSet.skipped());
            }
            Path list = output.resolve(env.rank() == 0 ? SkipLog.FILE_NAME : "skipped-rank" + env.rank() + ".txt");
            System.out.println(skipped.summary(skipped.write(list))
                    + (env.worldSize() > 1 && env.rank() == 0 ? "; other ranks: skipped-rank<R>.txt beside it" : ""));
        }
        return 0;
    }

    private void resume(Trainer trainer, DistEnv env) throws Exception {
        if (resume == null) {
            return;
        }
        Path ck = resume.equals("latest") ? Checkpoints.latest(output).orElse(null) : Path.of(resume);
        if (ck != null) {
            trainer.resume(ck);
            if (env.isMain()) {
                System.err.println("resuming from " + ck + " at step " + trainer.position().step());
            }
        } else if (env.isMain()) {
            System.err.println("no checkpoint in " + output + "; starting from scratch");
        }
    }
}
