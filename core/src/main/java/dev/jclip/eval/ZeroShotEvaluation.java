package dev.jclip.eval;

import dev.jclip.report.Charts;
import dev.jclip.report.HtmlReport;
import dev.jclip.zeroshot.ScoreCalibration;
import dev.jclip.zeroshot.Templates;
import dev.jclip.zeroshot.ZeroShotClassifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot classification of a labelled set: a classifier from class names × prompt templates,
 * scored with top-1, top-5, mean per-class recall, per-class accuracy and a confusion matrix.
 */
public final class ZeroShotEvaluation {
    /**
     * @param data       the set's description
     * @param classNames the classes, in label order
     * @param templates  the template set's name
     * @param skipped    images that could not be read or decoded
     */
    public record Result(String data, List<String> classNames, String templates, int templateCount, int skipped,
                         ClassificationMetrics metrics) {
        /** The numbers as an ordered JSON-ready map. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("data", data);
            m.put("images", metrics.count());
            m.put("skipped", skipped);
            m.put("classes", classNames.size());
            m.put("templates", templates);
            m.put("template_count", templateCount);
            m.put("top1", metrics.top1());
            m.put("top5", metrics.top5());
            m.put("mean_per_class_recall", metrics.meanPerClassRecall());
            Map<String, Object> per = new LinkedHashMap<>();
            for (int c = 0; c < classNames.size(); c++) {
                per.put(classNames.get(c), EvalReports.num(metrics.perClassRecall()[c]));
            }
            m.put("per_class_accuracy", per);
            m.put("class_names", classNames);
            m.put("confusion", metrics.confusion());
            return m;
        }
    }

    private ZeroShotEvaluation() {
    }

    /** Evaluates zero-shot on {@code set}, whose class names are the labels to prompt with. */
    public static Result run(FeatureStore store, LabelledSet set, Templates templates) throws Exception {
        return run(store, set, templates, false);
    }

    /** As {@link #run(FeatureStore, LabelledSet, Templates)}, optionally with {@link ZeroShotClassifier#centered} class embeddings. */
    public static Result run(FeatureStore store, LabelledSet set, Templates templates, boolean centerClasses) throws Exception {
        return run(store, set, templates, centerClasses, null);
    }

    /**
     * As {@link #run(FeatureStore, LabelledSet, Templates, boolean)}, with each class's scores
     * standardised over the images of {@code calibration} (a {@link ScoreCalibration}), or not
     * when it is null.
     */
    public static Result run(FeatureStore store, LabelledSet set, Templates templates, boolean centerClasses,
                             LabelledSet calibration) throws Exception {
        List<String> names = set.classNames();
        if (names.isEmpty()) {
            throw new IllegalArgumentException(set.description() + " has no class names; zero-shot needs them "
                    + "(--class-names: a bundled list or a file with one name per line)");
        }
        Features f = store.images(set, null);
        if (f.size() == 0) {
            throw new IllegalArgumentException("no readable images in " + set.description());
        }
        Features ref = calibration == null ? null : store.images(calibration, null);
        if (ref != null && ref.size() < 2) {
            throw new IllegalArgumentException("calibration set " + calibration.description() + " has "
                    + ref.size() + " readable images; it needs at least two");
        }
        return new Result(set.description(), names, templates.name(), templates.size(), f.skipped().size(),
                metrics(store, f, names, templates, centerClasses, ref));
    }

    /** Zero-shot metrics of precomputed features whose labels index {@code names}. */
    public static ClassificationMetrics metrics(FeatureStore store, Features f, List<String> names, Templates templates)
            throws Exception {
        return metrics(store, f, names, templates, false);
    }

    /** As {@link #metrics(FeatureStore, Features, List, Templates)}, optionally with centered class embeddings. */
    public static ClassificationMetrics metrics(FeatureStore store, Features f, List<String> names, Templates templates,
                                                boolean centerClasses) throws Exception {
        return metrics(store, f, names, templates, centerClasses, null);
    }

    /** As above, with the scores standardised over the {@code calibration} image features when not null. */
    static ClassificationMetrics metrics(FeatureStore store, Features f, List<String> names, Templates templates,
                                         boolean centerClasses, Features calibration) throws Exception {
        ZeroShotClassifier built = store.zeroShot(names, templates);
        ZeroShotClassifier zs = centerClasses ? built.centered() : built;
        float[][] logits = zs.logits(f.vectors(), 100);
        if (calibration != null) {
            logits = ScoreCalibration.fit(zs.logits(calibration.vectors(), 100)).apply(logits);
        }
        return ClassificationMetrics.of(logits, f.labels(), names.size());
    }

    /** Writes results.json, per_class_accuracy.png, confusion.png and report.html into {@code dir}. */
    public static Path write(Result r, Map<String, ?> about, Path dir) throws Exception {
        EvalReports.writeJson(dir, EvalReports.document("zeroshot", about, r.toJson()));
        Map<String, Double> per = new LinkedHashMap<>();
        for (int c = 0; c < r.classNames().size(); c++) {
            per.put(r.classNames().get(c), r.metrics().perClassRecall()[c]);
        }
        Path bars = dir.resolve("per_class_accuracy.png");
        Charts.barChart("Zero-shot accuracy per class", "class", "accuracy", per, bars, 900, Math.max(420, 22 * per.size()));
        Path confusion = dir.resolve("confusion.png");
        Charts.heatmap("Zero-shot confusion matrix", r.classNames().toArray(new String[0]), r.metrics().confusion(), confusion);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("data", r.data());
        summary.put("images", r.metrics().count());
        summary.put("skipped (unreadable)", r.skipped());
        summary.put("classes", r.classNames().size());
        summary.put("templates", r.templates() + " (" + r.templateCount() + ")");
        summary.put("top-1", EvalReports.pct(r.metrics().top1()));
        summary.put("top-5", EvalReports.pct(r.metrics().top5()));
        summary.put("mean per-class recall", EvalReports.pct(r.metrics().meanPerClassRecall()));
        HtmlReport page = EvalReports.page("Zero-shot evaluation", about).heading("Results").keyValueTable(summary)
                .image("Accuracy (recall) of each class", bars)
                .image("Confusion matrix: rows are true classes, columns predictions; colour is the share of the row", confusion);
        List<List<?>> rows = new ArrayList<>();
        for (int c = 0; c < r.classNames().size(); c++) {
            long n = java.util.Arrays.stream(r.metrics().confusion()[c]).sum();
            rows.add(List.of(r.classNames().get(c), n, EvalReports.pct(r.metrics().perClassRecall()[c])));
        }
        page.heading("Per class").table(List.of("class", "images", "accuracy"), rows);
        return EvalReports.writeHtml(dir, page);
    }
}
