package dev.jclip.eval;

import dev.jclip.report.Charts;
import dev.jclip.report.HtmlReport;
import dev.jclip.zeroshot.Templates;
import dev.jclip.zeroshot.ZeroShotClassifier;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Robustness to distribution shift: a linear probe trained on one set against zero-shot, each
 * measured in distribution and on shifted test sets, both natural ones (other datasets with the
 * same classes) and synthetic ones ({@link ImageShift}s of the in-distribution test images).
 * See {@link Robustness} for the gaps reported.
 */
public final class RobustnessEvaluation {
    /**
     * @param probeLambda the L2 strength chosen for the probe
     */
    public record Result(String train, int trainImages, String test, int testImages, List<String> classNames,
                         String templates, double probeLambda, Robustness robustness) {
        /** The numbers as an ordered JSON-ready map. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("train", train);
            m.put("train_images", trainImages);
            m.put("test", test);
            m.put("test_images", testImages);
            m.put("classes", classNames.size());
            m.put("templates", templates);
            m.put("probe_lambda", probeLambda);
            m.put("in_distribution", accuracies(robustness.inDistribution()));
            List<Map<String, Object>> s = new ArrayList<>();
            robustness.shifted().forEach(x -> s.add(shift(x)));
            m.put("shifted", s);
            m.put("average", robustness.shifted().isEmpty() ? null : shift(robustness.average()));
            return m;
        }

        private static Map<String, Object> accuracies(Robustness.Accuracies a) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("set", a.set());
            m.put("zeroshot_top1", a.zeroShot());
            m.put("probe_top1", a.probe());
            return m;
        }

        private static Map<String, Object> shift(Robustness.Shift s) {
            Map<String, Object> m = accuracies(s.accuracies());
            m.put("zeroshot_gap", s.zeroShotGap());
            m.put("probe_gap", s.probeGap());
            m.put("gap_closed_by_zeroshot", EvalReports.num(s.gapClosed()));
            return m;
        }
    }

    private RobustnessEvaluation() {
    }

    /**
     * Runs the comparison.
     *
     * @param test          in-distribution test set, or null to hold out {@code testFraction} of {@code train}
     * @param shiftedSets   natural shifted sets (labels matched to the training classes by name)
     * @param shifts        synthetic shifts applied to the in-distribution test images
     * @param log           receives progress lines (may be null)
     */
    public static Result run(FeatureStore store, LabelledSet train, LabelledSet test, double testFraction,
                             List<LabelledSet> shiftedSets, List<ImageShift> shifts, Templates templates,
                             LinearProbe.Options options, Consumer<String> log) throws Exception {
        List<String> names = train.classNames();
        if (names.isEmpty()) {
            throw new IllegalArgumentException(train.description() + " has no class names; zero-shot needs them (--class-names)");
        }
        Features all = store.images(train, null);
        Features fitOn, testF;
        LabelledSet idTest;
        if (test == null) {
            int[][] split = Splits.stratified(all.labels(), testFraction, dev.jclip.data.Seeds.mix(options.seed(), 0x7E57));
            fitOn = rows(all, split[0]);
            testF = rows(all, split[1]);
            int[] positions = new int[split[1].length];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = all.positions()[split[1][i]];
            }
            idTest = train.subset(positions, String.format(java.util.Locale.ROOT, "held-out %.0f%%", 100 * testFraction));
        } else {
            fitOn = all;
            idTest = test;
            testF = relabel(store.images(test, null), test, names);
        }
        if (fitOn.size() == 0 || testF.size() == 0) {
            throw new IllegalArgumentException("no images to train or test on");
        }
        int numClasses = names.size();
        LinearProbe.Fitted probe = LinearProbe.fitAll(fitOn.vectors(), fitOn.labels(), numClasses, options);
        ZeroShotClassifier zs = store.zeroShot(names, templates);
        Robustness.Accuracies id = measure(idTest.description(), idTest.shortName(), testF, zs, probe, numClasses);
        say(log, id);
        List<Robustness.Accuracies> shifted = new ArrayList<>();
        for (LabelledSet s : shiftedSets) {
            Robustness.Accuracies a = measure(s.description(), s.shortName(), relabel(store.images(s, null), s, names), zs, probe, numClasses);
            say(log, a);
            shifted.add(a);
        }
        for (ImageShift sh : shifts) {
            Features f = store.images(idTest, sh);
            if (test != null) {
                f = relabel(f, test, names);
            }
            Robustness.Accuracies a = measure(sh.name(), sh.name(), f, zs, probe, numClasses);
            say(log, a);
            shifted.add(a);
        }
        return new Result(train.description(), fitOn.size(), idTest.description(), testF.size(), names, templates.name(),
                probe.model().lambda(), Robustness.of(id, shifted));
    }

    private static void say(Consumer<String> log, Robustness.Accuracies a) {
        if (log != null) {
            log.accept(String.format(java.util.Locale.ROOT, "%s: zero-shot %s, linear probe %s", a.set(),
                    EvalReports.pct(a.zeroShot()), EvalReports.pct(a.probe())));
        }
    }

    private static Features relabel(Features f, LabelledSet set, List<String> names) {
        return set.classNames().isEmpty() ? f : f.relabel(set.classNames(), names);
    }

    private static Features rows(Features f, int[] idx) {
        return new Features(Splits.rows(f.vectors(), idx), Splits.entries(f.labels(), idx), Splits.entries(f.positions(), idx), List.of());
    }

    private static Robustness.Accuracies measure(String name, String label, Features f, ZeroShotClassifier zs, LinearProbe.Fitted probe,
                                                 int numClasses) {
        if (f.size() == 0) {
            throw new IllegalArgumentException("no readable images in " + name);
        }
        double zsAcc = ClassificationMetrics.of(zs.logits(f.vectors(), 100), f.labels(), numClasses).top1();
        double probeAcc = probe.model().accuracy(LinearProbe.normalize(f.vectors()), f.labels());
        return new Robustness.Accuracies(name, label, zsAcc, probeAcc);
    }

    /** Writes results.json, robustness.png and report.html into {@code dir}. */
    /**
     * The chart's bar groups: "in distribution", then each shifted set by its short label (a full
     * description would be cut to "fold…" on the axis; results.json and the tables keep it whole).
     */
    static Map<String, Map<String, Double>> chartBars(Robustness rb) {
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        bars.put("zero-shot", new LinkedHashMap<>());
        bars.put("linear probe", new LinkedHashMap<>());
        List<Robustness.Accuracies> sets = new ArrayList<>();
        sets.add(new Robustness.Accuracies("in distribution", rb.inDistribution().zeroShot(), rb.inDistribution().probe()));
        rb.shifted().forEach(s -> sets.add(s.accuracies()));
        for (Robustness.Accuracies a : sets) {
            String label = uniqueLabel(a.label(), bars.get("zero-shot").keySet());
            bars.get("zero-shot").put(label, a.zeroShot());
            bars.get("linear probe").put(label, a.probe());
        }
        return bars;
    }

    /** {@code label}, or with " (2)", " (3)", … when two sets have the same short name. */
    static String uniqueLabel(String label, java.util.Set<String> taken) {
        String out = label;
        for (int k = 2; taken.contains(out); k++) {
            out = label + " (" + k + ")";
        }
        return out;
    }

    public static Path write(Result r, Map<String, ?> about, Path dir) throws Exception {
        EvalReports.writeJson(dir, EvalReports.document("robustness", about, r.toJson()));
        Robustness rb = r.robustness();
        Map<String, Map<String, Double>> bars = chartBars(rb);
        Path png = dir.resolve("robustness.png");
        Charts.groupedBarChart("Zero-shot vs linear probe under distribution shift", "test set", "top-1 accuracy",
                bars, png, Math.max(700, 140 * bars.get("zero-shot").size()), 460);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("probe trained on", r.train() + " (" + r.trainImages() + " images, λ = "
                + String.format(java.util.Locale.ROOT, "%.3g", r.probeLambda()) + ")");
        summary.put("in-distribution test", r.test() + " (" + r.testImages() + " images)");
        summary.put("zero-shot templates", r.templates());
        List<List<?>> rows = new ArrayList<>();
        rows.add(List.of("in distribution", EvalReports.pct(rb.inDistribution().zeroShot()), EvalReports.pct(rb.inDistribution().probe()), "", "", ""));
        List<Robustness.Shift> all = new ArrayList<>(rb.shifted());
        if (!rb.shifted().isEmpty()) {
            all.add(rb.average());
        }
        for (Robustness.Shift s : all) {
            rows.add(List.of(s.accuracies().set(), EvalReports.pct(s.accuracies().zeroShot()), EvalReports.pct(s.accuracies().probe()),
                    EvalReports.pct(s.zeroShotGap()), EvalReports.pct(s.probeGap()), EvalReports.pct(s.gapClosed())));
        }
        HtmlReport page = EvalReports.page("Robustness evaluation", about).heading("Results").keyValueTable(summary)
                .table(List.of("test set", "zero-shot top-1", "probe top-1", "zero-shot gap", "probe gap", "gap closed by zero-shot"), rows)
                .image("Top-1 accuracy in distribution and on each shifted set", png)
                .paragraph("Gap: in-distribution accuracy minus accuracy on the shifted set. Gap closed: "
                        + "1 − zero-shot gap / probe gap, the share of the probe's loss under shift that zero-shot avoids "
                        + "(n/a when the probe loses nothing).");
        return EvalReports.writeHtml(dir, page);
    }
}
