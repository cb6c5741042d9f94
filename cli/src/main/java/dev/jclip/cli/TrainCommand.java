package dev.jclip.cli;

import dev.jclip.runtime.ComputeThreads;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.data.Captioner;
import dev.jclip.data.ClassNames;
import dev.jclip.data.DataLoader;
import dev.jclip.data.DataSources;
import dev.jclip.data.ImageTransforms;
import dev.jclip.data.SampleSource;
import dev.jclip.data.SkipLog;
import dev.jclip.distributed.DistEnv;
import dev.jclip.distributed.DistributedLoss;
import dev.jclip.distributed.ProcessGroup;
import dev.jclip.download.ModelCache;
import dev.jclip.eval.LabelledImages;
import dev.jclip.eval.ZeroShotEval;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelFiles;
import dev.jclip.model.ModelLoader;
import dev.jclip.model.ModelPresets;
import dev.jclip.model.SentenceEncoderTower;
import dev.jclip.report.MetricsLog;
import dev.jclip.report.TrainingReport;
import dev.jclip.train.AdamW;
import dev.jclip.train.Checkpoints;
import dev.jclip.train.Locking;
import dev.jclip.runtime.Precision;
import dev.jclip.train.StepRunner;
import dev.jclip.train.TrainOptions;
import dev.jclip.train.Trainer;
import dev.jclip.zeroshot.Templates;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip train}: contrastive training or fine-tuning, on one process or many. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a CLIP model from scratch or fine-tune one, with open_clip's techniques; "
                + "checkpoints, metrics (JSON lines), periodic zero-shot evaluation and an HTML report.")
public final class TrainCommand implements Callable<Integer> {
    // model
    @Option(names = "--model", description = "Architecture preset (e.g. ViT-B/32, ViT-Tiny/7-28px, RN-Tiny-32px).")
    String model;
    @Option(names = "--model-config", description = "Architecture as JSON text or file (reference names).")
    String modelConfig;
    @Option(names = "--pretrained", description = "Fine-tune from a checkpoint or released model name.")
    String pretrained;
    @Option(names = "--text-tower", defaultValue = "clip", description = "clip (CLIP's own transformer, trained), "
            + "or a locked pretrained sentence encoder behind a trainable projection: minilm (all-MiniLM-L6-v2), "
            + "minilm-q (its int8 variant). Default: ${DEFAULT-VALUE}.")
    String textTower;
    @Option(names = "--lock-text-projection", description = "With a sentence-encoder text tower: fix its projection "
            + "to the identity (needs embed_dim = its feature size, 384), so the image tower learns to map into the "
            + "encoder's own space.")
    boolean lockTextProjection;
    // data
    @Option(names = "--train-data", required = true, description = "Training data: idx folder, class folders, shards (brace patterns), CSV/TSV, COCO json.")
    String trainData;
    @Option(names = "--dataset-type", defaultValue = "auto", description = "auto, idx, folder, webdataset, csv, tsv, coco.")
    String datasetType;
    @Option(names = "--class-names", description = "Class names (bundled: fashion-mnist, mnist, cifar10; or a file) for labelled data.")
    String classNames;
    @Option(names = "--caption-templates", defaultValue = "train-photo", description = "Templates turning labels into captions: bundled set or file (default: ${DEFAULT-VALUE}).")
    String captionTemplates;
    @Option(names = "--csv-img-key", defaultValue = "filepath")
    String csvImageKey;
    @Option(names = "--csv-caption-key", defaultValue = "title")
    String csvCaptionKey;
    @Option(names = "--train-num-samples", defaultValue = "-1", description = "Samples per epoch of streamed shards, if known.")
    long trainNumSamples;
    @Option(names = "--shuffle-buffer", defaultValue = "2000")
    int shuffleBuffer;
    @Option(names = "--workers", defaultValue = "2", description = "Decoding threads.")
    int workers;
    // schedule
    @Option(names = "--batch-size", defaultValue = "256", description = "Global batch size.")
    int batchSize;
    @Option(names = "--steps", defaultValue = "0", description = "Optimizer steps (or use --epochs).")
    long steps;
    @Option(names = "--epochs", defaultValue = "0")
    double epochs;
    @Option(names = "--lr", defaultValue = "5e-4")
    double lr;
    @Option(names = "--wd", defaultValue = "0.2")
    double wd;
    @Option(names = "--beta1", description = "Default 0.9.")
    Double beta1;
    @Option(names = "--beta2", description = "Default 0.98 for ViTs, 0.999 otherwise.")
    Double beta2;
    @Option(names = "--eps", description = "Default 1e-6 for ViTs, 1e-8 otherwise.")
    Double eps;
    @Option(names = "--warmup", defaultValue = "100")
    long warmup;
    @Option(names = "--lr-scheduler", defaultValue = "cosine", description = "cosine, const, const-cooldown.")
    String scheduler;
    @Option(names = "--lr-cooldown-steps", defaultValue = "0")
    long cooldown;
    @Option(names = "--grad-clip-norm", defaultValue = "0")
    double gradClip;
    // memory and precision
    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, bf16 (autocast, fp32 master weights and optimizer state) or auto (bf16 where the CPU "
            + "has AMX/AVX512-BF16, else fp32). Default: ${DEFAULT-VALUE}.")
    String precision;
    @Option(names = "--accum-freq", defaultValue = "1", description = "Micro-batches per step (open_clip-style accumulation).")
    int accum;
    @Option(names = "--grad-checkpointing", description = "Recompute blocks in backward.")
    boolean gradCheckpointing;
    @Option(names = "--lock-image", description = "Freeze the image tower (LiT).")
    boolean lockImage;
    @Option(names = "--lock-image-unlocked-groups", defaultValue = "0")
    int lockImageUnlocked;
    @Option(names = "--lock-text", description = "Freeze the text tower.")
    boolean lockText;
    @Option(names = "--lock-text-unlocked-layers", defaultValue = "0")
    int lockTextUnlocked;
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
    // evaluation
    @Option(names = "--zeroshot-data", description = "Labelled data for zero-shot evaluation (idx folder, class folders...).")
    String zeroshotData;
    @Option(names = "--zeroshot-type", defaultValue = "auto")
    String zeroshotType;
    @Option(names = "--zeroshot-split", defaultValue = "test", description = "idx split of the evaluation data.")
    String zeroshotSplit;
    @Option(names = "--zeroshot-templates", defaultValue = "objects", description = "Evaluation templates, worded differently from the captions (default: ${DEFAULT-VALUE}).")
    String zeroshotTemplates;
    @Option(names = "--zeroshot-every", defaultValue = "0", description = "Evaluate every N steps (0: at the end).")
    long zeroshotEvery;
    @Option(names = "--zeroshot-limit", defaultValue = "0", description = "Evaluate on at most N images (0: all).")
    int zeroshotLimit;
    // distributed
    @Option(names = "--nproc-per-node", defaultValue = "1", description = "Launch N local worker processes.")
    int nprocPerNode;
    @Option(names = "--nnodes", defaultValue = "1")
    int nnodes;
    @Option(names = "--node-rank", defaultValue = "0")
    int nodeRank;
    @Option(names = "--master-addr", description = "Rendezvous host (default: MASTER_ADDR or 127.0.0.1).")
    String masterAddr;
    @Option(names = "--master-port", defaultValue = "0", description = "Rendezvous port (default: MASTER_PORT or 29500).")
    int masterPort;
    @Option(names = "--loss-mode", defaultValue = "gather-with-grad", description = "gather-with-grad or local-loss.")
    String lossMode;
    @Option(names = "--dist-timeout", defaultValue = "600", description = "Seconds before a dead or hung peer fails the run.")
    long distTimeout;
    @Option(names = "--no-report", description = "Skip the HTML report.")
    boolean noReport;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Accuracy of the last evaluation (for callers such as the demo). */
    Map<String, Object> lastEval;

    @Override
    public Integer call() throws Exception {
        if (nprocPerNode > 1 && System.getenv("JCLIP_WORKER") == null) {
            // picocli keeps the whole command line, including the subcommand name
            List<String> all = spec.commandLine().getParseResult().originalArgs();
            int start = all.indexOf(spec.name()) == 0 ? 1 : 0;
            String[] original = all.subList(start, all.size()).toArray(new String[0]);
            return Launcher.launch("train", workerArgs(original), nprocPerNode, nnodes, nodeRank, masterAddr,
                    masterPort, output, Launcher.threadsPerRank(threads, nprocPerNode, Runtime.getRuntime().availableProcessors()));
        }
        DistEnv env = DistEnv.fromEnvironment();
        if (masterAddr != null || masterPort > 0) {
            env = new DistEnv(env.rank(), env.worldSize(), env.localRank(),
                    masterAddr != null ? masterAddr : env.masterAddr(), masterPort > 0 ? masterPort : env.masterPort());
        }
        // Workers do not see --nproc-per-node (the launcher strips it); LOCAL_WORLD_SIZE (set by the
        // launcher and by torchrun) says how many processes share this machine's cores.
        int localProcs = Math.max(nprocPerNode, Launcher.localWorldSize(System.getenv()));
        int torchThreads = Launcher.threadsPerRank(threads, localProcs, Runtime.getRuntime().availableProcessors());
        ComputeThreads.set(torchThreads);
        if (localProcs > 1 || threads > 0) {
            System.err.printf("rank %d: %d libtorch threads (%d local processes on %d cores)%n", env.rank(), torchThreads,
                    localProcs, Runtime.getRuntime().availableProcessors());
        }
        torch.manual_seed(seed);

        ClipModel clip = buildModel();
        ClipConfig cfg = clip.config();
        if (lockImage) {
            Locking.lockImage(clip, lockImageUnlocked);
        }
        if (lockText) {
            if (clip.sentenceTower() != null) {
                throw new IllegalArgumentException("--lock-text: the sentence encoder " + clip.text().kind()
                        + " is always locked; only its projection trains");
            }
            Locking.lockText(clip, lockTextUnlocked);
        }
        if (lockTextProjection) {
            if (clip.sentenceTower() == null) {
                throw new IllegalArgumentException("--lock-text-projection needs a sentence-encoder --text-tower (minilm, minilm-q)");
            }
            clip.sentenceTower().lockIdentity();
        }
        if (batchSize % env.worldSize() != 0) {
            throw new IllegalArgumentException("batch size " + batchSize + " is not divisible by world size " + env.worldSize());
        }
        int localBatch = batchSize / env.worldSize();

        DataSources.Spec spec = new DataSources.Spec(trainData, datasetType, "train", classNames, csvImageKey,
                csvCaptionKey, null, trainNumSamples);
        SampleSource source = DataSources.source(spec, seed, env.rank(), env.worldSize(), shuffleBuffer);
        if (!source.classNames().isEmpty()) {
            source = new Captioner(source, Templates.load(captionTemplates).templates(), source.classNames(), seed);
        }
        long totalSteps = steps;
        if (totalSteps <= 0) {
            if (epochs <= 0 || source.size() < 0) {
                throw new IllegalArgumentException("give --steps, or --epochs with data of known size (--train-num-samples for shards)");
            }
            totalSteps = (long) Math.ceil(epochs * (source.size() / localBatch));
        }

        AdamW.Options defaults = AdamW.Options.defaults(cfg.isVit());
        AdamW.Options opt = new AdamW.Options(lr, wd, beta1 != null ? beta1 : defaults.beta1(),
                beta2 != null ? beta2 : defaults.beta2(), eps != null ? eps : defaults.eps());
        TrainOptions o = new TrainOptions(totalSteps, batchSize, opt, warmup, scheduler, cooldown, gradClip,
                new StepRunner.Options(accum, gradCheckpointing, Precision.parse(precision)), seed, saveEvery, keep,
                zeroshotEvery, logEvery);

        Files.createDirectories(output);
        dev.jclip.model.TextTower text = clip.text();
        if (clip.sentenceTower() != null && !source.classNames().isEmpty()) {
            // every caption is a template × class name: encode them all once now (cached on disk)
            List<String> all = new ArrayList<>();
            for (String t : Templates.load(captionTemplates).templates()) {
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
                cfg.imageResolution(), workers, seed);
             ProcessGroup group = env.distributed() ? ProcessGroup.connect(env, Duration.ofSeconds(distTimeout)) : null) {
            Trainer trainer = new Trainer(clip, o, loader,
                    text::rows, output);
            if (group != null) {
                trainer.distributed(group, DistributedLoss.Mode.parse(lossMode));
            }
            Path metricsFile = output.resolve("metrics.jsonl");
            if (resume != null) {
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
            if (zeroshotData != null && env.isMain()) {
                DataSources.Spec es = new DataSources.Spec(zeroshotData, zeroshotType, zeroshotSplit,
                        classNames, csvImageKey, csvCaptionKey, null, -1);
                evalSet = LabelledImages.load(DataSources.indexed(es), cfg.imageResolution(), workers, zeroshotLimit);
                if (evalSet.labels().length == 0) {
                    // otherwise every evaluation would be 0/0 = NaN, found out only after the training
                    throw new IllegalArgumentException("--zeroshot-data " + zeroshotData + ": no readable image ("
                            + evalSet.skipped().size() + " skipped"
                            + (evalSet.skipped().isEmpty() ? "" : ", e.g. " + evalSet.skipped().get(0)) + ")");
                }
                Templates evalTemplates = Templates.load(zeroshotTemplates);
                java.util.Set<String> overlap = new java.util.LinkedHashSet<>(evalTemplates.templates());
                overlap.retainAll(Templates.load(captionTemplates).templates());
                if (!overlap.isEmpty() && !source.classNames().isEmpty()) {
                    System.err.println("warning: evaluation templates repeat training captions " + overlap
                            + "; the accuracy is not zero-shot (choose disjoint --zeroshot-templates)");
                }
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
                            zeroshotTemplates);
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

    ClipModel buildModel() throws Exception {
        boolean sentence = !textTower.equalsIgnoreCase("clip");
        if (pretrained != null) {
            ClipModel m = ModelLoader.load(ModelCache.defaultCache().resolve(pretrained)).model();
            if (!m.text().kind().equalsIgnoreCase(textTower) && (sentence || m.sentenceTower() != null)) {
                throw new IllegalArgumentException("--text-tower " + textTower + " but " + pretrained
                        + " has the text tower " + m.text().kind());
            }
            return m;
        }
        if (sentence) {
            ClipConfig image = modelConfig != null ? ClipConfig.fromJson(new ObjectMapper().readTree(
                    Files.isRegularFile(Path.of(modelConfig)) ? Files.readString(Path.of(modelConfig)) : modelConfig))
                    : model != null ? ModelPresets.get(model) : null;
            if (image == null) {
                throw new IllegalArgumentException("give --model PRESET or --model-config JSON for the image tower");
            }
            return ClipModel.withSentenceEncoder(image, SentenceEncoderTower.Spec.named(textTower));
        }
        if (modelConfig != null) {
            String text = Files.isRegularFile(Path.of(modelConfig)) ? Files.readString(Path.of(modelConfig)) : modelConfig;
            return new ClipModel(ClipConfig.fromJson(new ObjectMapper().readTree(text)));
        }
        if (model == null) {
            throw new IllegalArgumentException("give --model PRESET, --model-config JSON or --pretrained CHECKPOINT");
        }
        return new ClipModel(ModelPresets.get(model));
    }

    /** The arguments to pass to worker processes (everything but the launcher options). */
    List<String> workerArgs(String[] original) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < original.length; i++) {
            String a = original[i];
            if (a.startsWith("--nproc-per-node") || a.startsWith("--nnodes") || a.startsWith("--node-rank")) {
                if (!a.contains("=")) {
                    i++;
                }
                continue;
            }
            out.add(a);
        }
        return out;
    }
}
