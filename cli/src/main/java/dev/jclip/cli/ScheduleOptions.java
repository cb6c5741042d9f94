package dev.jclip.cli;

import dev.jclip.data.SampleSource;
import dev.jclip.train.AdamW;
import picocli.CommandLine.Option;

/** {@code clip train}'s optimisation schedule: batch, length, AdamW and the learning-rate curve. */
final class ScheduleOptions {
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

    /** AdamW's settings, with open_clip's defaults for the architecture where none was given. */
    AdamW.Options optimizer(boolean vit) {
        AdamW.Options d = AdamW.Options.defaults(vit);
        return new AdamW.Options(lr, wd, beta1 != null ? beta1 : d.beta1(), beta2 != null ? beta2 : d.beta2(),
                eps != null ? eps : d.eps());
    }

    /** Optimizer steps: {@code --steps}, or {@code --epochs} over data of known size. */
    long totalSteps(SampleSource source, int localBatch) {
        if (steps > 0) {
            return steps;
        }
        if (epochs <= 0 || source.size() < 0) {
            throw new IllegalArgumentException("give --steps, or --epochs with data of known size (--train-num-samples for shards)");
        }
        return (long) Math.ceil(epochs * (source.size() / localBatch));
    }
}
