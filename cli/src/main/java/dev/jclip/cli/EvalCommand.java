package dev.jclip.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code clip eval}: the evaluation suite (zero-shot, linear probe, retrieval, robustness). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model: zero-shot classification, k-shot linear probes, image-text retrieval, "
                + "robustness to distribution shift. Features are cached on disk; each run writes results.json "
                + "and report.html (with PNG plots) into its output folder.",
        subcommands = {
                EvalZeroShotCommand.class,
                EvalLinearProbeCommand.class,
                EvalRetrievalCommand.class,
                EvalRobustnessCommand.class,
                EvalMakeShiftedCommand.class
        })
final class EvalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
