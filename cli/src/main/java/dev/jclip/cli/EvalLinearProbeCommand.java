package dev.jclip.cli;

import dev.jclip.eval.FeatureStore;
import dev.jclip.eval.LabelledSet;
import dev.jclip.eval.LinearProbe;
import dev.jclip.eval.LinearProbeEvaluation;
import dev.jclip.eval.LogisticRegression;
import dev.jclip.eval.RegularizationSearch;
import dev.jclip.zeroshot.Templates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code clip eval linear-probe}: k-shot logistic-regression probes against zero-shot, and its effective shots. */
@Command(name = "linear-probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fit multinomial logistic regression (L-BFGS, L2 chosen on a validation split) on frozen, "
                + "normalized image features with k labelled examples per class; compare with zero-shot.")
final class EvalLinearProbeCommand implements Callable<Integer> {
    @Mixin
    EvalOptions eval;
    @Mixin
    EvalDataOptions dataOptions;

    @Option(names = "--train", required = true, description = "Labelled training images (class folders, idx, shards, CSV/TSV).")
    String train;
    @Option(names = "--test", required = true, description = "Labelled test images; classes matched to training by name.")
    String test;
    @Option(names = "--train-split", defaultValue = "train", description = "idx split of --train (default: ${DEFAULT-VALUE}).")
    String trainSplit;
    @Option(names = "--test-split", defaultValue = "test", description = "idx split of --test (default: ${DEFAULT-VALUE}).")
    String testSplit;
    @Option(names = "--shots", defaultValue = "1,2,4,8,16,all", split = ",",
            description = "Examples per class to train on; 'all' for the whole set (default: ${DEFAULT-VALUE}).")
    List<String> shots;
    @Option(names = "--draws", defaultValue = "5", description = "Random draws per k, averaged (default: ${DEFAULT-VALUE}).")
    int draws;
    @Option(names = "--val-fraction", defaultValue = "0.2", description = "Share of each class held out to choose λ (default: ${DEFAULT-VALUE}).")
    double valFraction;
    @Option(names = "--lambda-grid", defaultValue = "-6:6:1:0.125",
            description = "log10 λ grid min:max:coarse-step:fine-step (default: ${DEFAULT-VALUE}, the paper's range).")
    String lambdaGrid;
    @Option(names = "--max-iter", defaultValue = "1000", description = "L-BFGS iterations per fit (default: ${DEFAULT-VALUE}).")
    int maxIter;
    @Option(names = "--templates", defaultValue = "generic", description = "Templates for the zero-shot comparison (default: ${DEFAULT-VALUE}).")
    String templates;
    @Option(names = "--no-zeroshot", description = "Skip the zero-shot comparison.")
    boolean noZeroShot;
    @Option(names = "--limit-train", defaultValue = "0", description = "Use at most N training images (0: all).")
    int limitTrain;
    @Option(names = "--limit", defaultValue = "0", description = "Use at most N test images (0: all).")
    int limit;

    @Override
    public Integer call() throws Exception {
        LinearProbe.Options o = options(shots, draws, valFraction, eval.seed, lambdaGrid, maxIter);
        Templates t = noZeroShot ? null : Templates.load(templates);
        LabelledSet trainSet = dataOptions.labelled(train, trainSplit, limitTrain);
        LabelledSet testSet = dataOptions.labelled(test, testSplit, limit);
        FeatureStore store = eval.open();
        LinearProbeEvaluation.Result r = LinearProbeEvaluation.run(store, trainSet, testSet, t, o, System.out::println);
        String skipped = eval.writeSkipped(store, eval.output("linear-probe"));
        Path html = LinearProbeEvaluation.write(r, eval.about(), eval.output("linear-probe"));
        if (!r.probe().skippedShots().isEmpty()) {
            System.out.println("skipped k = " + r.probe().skippedShots() + ": a class has fewer training examples "
                    + "outside the validation split");
        }
        if (r.zeroShotTop1() != null) {
            System.out.printf("zero-shot top-1 %.2f%%; effective shots %s%n", 100 * r.zeroShotTop1(), r.effectiveShots().describe());
        }
        System.out.println(EvalOptions.cacheLine(store));
        System.out.println("report: " + html);
        System.out.println(skipped);
        return 0;
    }

    /** The probe options from command-line values (shared with robustness). */
    static LinearProbe.Options options(List<String> shots, int draws, double valFraction, long seed, String grid, int maxIter) {
        List<Integer> ks = new ArrayList<>();
        boolean all = false;
        for (String s : shots) {
            String v = s.strip();
            if (v.equalsIgnoreCase("all")) {
                all = true;
            } else if (!v.isEmpty()) {
                int k = Integer.parseInt(v);
                if (k < 1) {
                    throw new IllegalArgumentException("shots must be >= 1 or 'all', got " + k);
                }
                ks.add(k);
            }
        }
        ks = ks.stream().distinct().sorted().toList();
        return new LinearProbe.Options(ks, all, draws, valFraction, seed, grid(grid),
                new LogisticRegression.Options(maxIter, LogisticRegression.Options.defaults().gradientTolerance(),
                        LogisticRegression.Options.defaults().historySize()));
    }

    static RegularizationSearch.Grid grid(String spec) {
        String[] p = spec.split(":");
        if (p.length != 4) {
            throw new IllegalArgumentException("--lambda-grid is min:max:coarse:fine in log10 units, e.g. -6:6:1:0.125");
        }
        return new RegularizationSearch.Grid(Double.parseDouble(p[0]), Double.parseDouble(p[1]),
                Double.parseDouble(p[2]), Double.parseDouble(p[3]));
    }
}
