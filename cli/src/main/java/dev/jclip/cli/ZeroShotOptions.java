package dev.jclip.cli;

import dev.jclip.data.DataSources;
import dev.jclip.eval.LabelledImages;
import dev.jclip.zeroshot.Templates;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code clip train}'s periodic zero-shot evaluation: which labelled images, which templates, how often. */
final class ZeroShotOptions {
    @Option(names = "--zeroshot-data", description = "Labelled data for zero-shot evaluation (idx folder, class folders...).")
    String data;
    @Option(names = "--zeroshot-type", defaultValue = "auto")
    String type;
    @Option(names = "--zeroshot-split", defaultValue = "test", description = "idx split of the evaluation data.")
    String split;
    @Option(names = "--zeroshot-templates", defaultValue = "objects", description = "Evaluation templates, worded differently from the captions (default: ${DEFAULT-VALUE}).")
    String templates;
    @Option(names = "--zeroshot-every", defaultValue = "0", description = "Evaluate every N steps (0: at the end).")
    long every;
    @Option(names = "--zeroshot-limit", defaultValue = "0", description = "Evaluate on at most N images (0: all).")
    int limit;

    /**
     * The evaluation images, read with the training data's class names and manifest columns;
     * refuses a set with no readable image, which would otherwise show as NaN only after the training.
     */
    LabelledImages load(DataSpecOptions spec, int resolution, int workers) throws Exception {
        DataSources.Spec es = new DataSources.Spec(data, type, split, spec.classNames, spec.csvImageKey,
                spec.csvCaptionKey, null, -1);
        LabelledImages set = LabelledImages.load(DataSources.indexed(es), resolution, workers, limit);
        if (set.labels().length == 0) {
            throw new IllegalArgumentException("--zeroshot-data " + data + ": no readable image ("
                    + set.skipped().size() + " skipped"
                    + (set.skipped().isEmpty() ? "" : ", e.g. " + set.skipped().get(0)) + ")");
        }
        return set;
    }

    /** The evaluation templates; warns when they repeat training captions, since the score is then not zero-shot. */
    Templates templates(List<String> captionTemplates, boolean labelledTraining) throws IOException {
        Templates t = Templates.load(templates);
        Set<String> overlap = new LinkedHashSet<>(t.templates());
        overlap.retainAll(captionTemplates);
        if (!overlap.isEmpty() && labelledTraining) {
            System.err.println("warning: evaluation templates repeat training captions " + overlap
                    + "; the accuracy is not zero-shot (choose disjoint --zeroshot-templates)");
        }
        return t;
    }
}
