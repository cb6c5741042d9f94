package dev.jclip.cli;

import dev.jclip.eval.FeatureStore;
import dev.jclip.eval.ImageShift;
import dev.jclip.eval.LabelledSet;
import dev.jclip.eval.RobustnessEvaluation;
import dev.jclip.zeroshot.Templates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code clip eval robustness}: zero-shot versus a linear probe in distribution and under shift. */
@Command(name = "robustness", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a linear probe on --train, then compare it with zero-shot on the in-distribution test set "
                + "and on shifted sets (--shifted datasets and/or synthetic --shift transforms of the test images): "
                + "each accuracy, each gap, and the share of the probe's gap that zero-shot closes.")
final class EvalRobustnessCommand implements Callable<Integer> {
    @Mixin
    EvalOptions eval;
    @Mixin
    EvalDataOptions dataOptions;

    @Option(names = "--train", required = true, description = "Labelled training set of the probe (its class names are the classes).")
    String train;
    @Option(names = "--train-split", defaultValue = "train", description = "idx split of --train (default: ${DEFAULT-VALUE}).")
    String trainSplit;
    @Option(names = "--test", description = "In-distribution test set (default: hold out --test-fraction of --train).")
    String test;
    @Option(names = "--test-split", defaultValue = "test", description = "idx split of --test and of --shifted sets (default: ${DEFAULT-VALUE}).")
    String testSplit;
    @Option(names = "--test-fraction", defaultValue = "0.3", description = "Share of --train held out as test set without --test (default: ${DEFAULT-VALUE}).")
    double testFraction;
    @Option(names = "--shifted", split = ",", description = "Shifted labelled sets with the same class names, comma-separated.")
    List<String> shifted = new ArrayList<>();
    @Option(names = "--shift", description = "Synthetic shifts of the test images, comma-separated: "
            + "blur[:sigma], noise[:sigma], gray, contrast[:factor], pixelate[:n]; combine with +, e.g. gray+blur:1.")
    String shift;
    @Option(names = "--templates", defaultValue = "generic", description = "Zero-shot templates (default: ${DEFAULT-VALUE}).")
    String templates;
    @Option(names = "--val-fraction", defaultValue = "0.2", description = "Share of the probe's training set held out to choose λ.")
    double valFraction;
    @Option(names = "--lambda-grid", defaultValue = "-6:6:1:0.125", description = "log10 λ grid min:max:coarse:fine.")
    String lambdaGrid;
    @Option(names = "--max-iter", defaultValue = "1000", description = "L-BFGS iterations per fit.")
    int maxIter;
    @Option(names = "--limit-train", defaultValue = "0", description = "Use at most N training images (0: all).")
    int limitTrain;
    @Option(names = "--limit", defaultValue = "0", description = "Use at most N images of each test and shifted set (0: all).")
    int limit;

    @Override
    public Integer call() throws Exception {
        List<ImageShift> shifts = shift == null ? List.of() : ImageShift.parseList(shift);
        if (shifted.isEmpty() && shifts.isEmpty()) {
            throw new IllegalArgumentException("give shifted test sets with --shifted and/or synthetic shifts with --shift");
        }
        Templates t = Templates.load(templates);
        LabelledSet trainSet = dataOptions.labelled(train, trainSplit, limitTrain);
        LabelledSet testSet = test == null ? null : dataOptions.labelled(test, testSplit, limit);
        List<LabelledSet> shiftedSets = new ArrayList<>();
        for (String s : shifted) {
            shiftedSets.add(dataOptions.labelled(s.strip(), testSplit, limit));
        }
        FeatureStore store = eval.open();
        RobustnessEvaluation.Result r = RobustnessEvaluation.run(store, trainSet, testSet, testFraction, shiftedSets, shifts, t,
                EvalLinearProbeCommand.options(List.of("all"), 1, valFraction, eval.seed, lambdaGrid, maxIter), System.out::println);
        String skipped = eval.writeSkipped(store, eval.output("robustness"));
        Path html = RobustnessEvaluation.write(r, eval.about(), eval.output("robustness"));
        if (!r.robustness().shifted().isEmpty()) {
            var avg = r.robustness().average();
            System.out.printf("average over %d shifted set(s): zero-shot gap %.2f pts, probe gap %.2f pts, gap closed by zero-shot %s%n",
                    r.robustness().shifted().size(), 100 * avg.zeroShotGap(), 100 * avg.probeGap(),
                    Double.isFinite(avg.gapClosed()) ? String.format(java.util.Locale.ROOT, "%.1f%%", 100 * avg.gapClosed()) : "n/a");
        }
        System.out.println(EvalOptions.cacheLine(store));
        System.out.println("report: " + html);
        System.out.println(skipped);
        return 0;
    }
}
