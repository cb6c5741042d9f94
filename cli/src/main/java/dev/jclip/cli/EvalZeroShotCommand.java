package dev.jclip.cli;

import dev.jclip.eval.FeatureStore;
import dev.jclip.eval.LabelledSet;
import dev.jclip.eval.ZeroShotEvaluation;
import dev.jclip.zeroshot.Templates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip eval zeroshot}: top-1, top-5, mean per-class recall, per-class accuracy and a confusion matrix. */
@Command(name = "zeroshot", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Zero-shot classification of a labelled set from class names and prompt templates.")
final class EvalZeroShotCommand implements Callable<Integer> {
    @Mixin
    EvalOptions eval;
    @Mixin
    EvalDataOptions dataOptions;

    @Option(names = "--data", required = true, description = "Labelled images: class folders, idx folder, shards, CSV/TSV.")
    String data;
    @Option(names = "--split", defaultValue = "test", description = "idx split (default: ${DEFAULT-VALUE}).")
    String split;
    @Option(names = "--templates", defaultValue = "generic",
            description = "Prompt templates: bundled set (${COMPLETION-CANDIDATES}) or a file with one template per line using {}.",
            completionCandidates = ClassifyCommand.TemplateNames.class)
    String templates;
    @Option(names = "--limit", defaultValue = "0", description = "Evaluate at most N images (evenly spaced; 0: all).")
    int limit;
    @Option(names = "--center-classes", description = "Subtract the mean class embedding from each (against one class "
            + "taking most predictions; uses only the labels' texts, so still zero-shot).")
    boolean centerClasses;
    @Option(names = "--calibrate-on", paramLabel = "DATA", description = "Standardise each class's scores by their mean "
            + "and spread over these images (e.g. the training images of other classes), against one class taking "
            + "most predictions. Never pass the evaluated images: with images of other classes it stays zero-shot.")
    String calibrateOn;

    @Override
    public Integer call() throws Exception {
        Templates t = Templates.load(templates);
        LabelledSet set = dataOptions.labelled(data, split, limit);
        FeatureStore store = eval.open();
        LabelledSet calibration = calibrateOn == null ? null : dataOptions.imagesOnly(calibrateOn, split);
        ZeroShotEvaluation.Result r = ZeroShotEvaluation.run(store, set, t, centerClasses, calibration);
        String skipped = eval.writeSkipped(store, eval.output("zeroshot"));
        Map<String, Object> about = eval.about();
        about.put("center_classes", centerClasses);
        about.put("calibrate_on", calibrateOn);
        Path html = ZeroShotEvaluation.write(r, about, eval.output("zeroshot"));
        System.out.printf("zero-shot on %s: %d images, %d classes, %s templates%n", r.data(), r.metrics().count(),
                r.classNames().size(), r.templates());
        System.out.printf("top-1 %.2f%%  top-5 %.2f%%  mean per-class recall %.2f%%%n", 100 * r.metrics().top1(),
                100 * r.metrics().top5(), 100 * r.metrics().meanPerClassRecall());
        System.out.println(EvalOptions.cacheLine(store));
        System.out.println("report: " + html);
        System.out.println(skipped);
        return 0;
    }
}
