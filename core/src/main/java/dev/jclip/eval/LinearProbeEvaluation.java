package dev.jclip.eval;

import dev.jclip.report.Charts;
import dev.jclip.report.HtmlReport;
import dev.jclip.zeroshot.Templates;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The linear-probe evaluation: a k-shot curve of logistic regression on frozen image features
 * ({@link LinearProbe}), compared with zero-shot accuracy on the same test set, and the
 * "effective shots" of zero-shot ({@link EffectiveShots}).
 */
public final class LinearProbeEvaluation {
    /**
     * @param zeroShotTop1   zero-shot top-1 on the test set, or null when not measured (no class names or templates)
     * @param effectiveShots where the mean k-shot curve reaches zero-shot, or null without zero-shot
     */
    public record Result(String train, String test, int trainImages, int testImages, int skipped, List<String> classNames,
                         LinearProbe.Options options, LinearProbe.Result probe, String templates, Double zeroShotTop1,
                         EffectiveShots effectiveShots) {
        /** The numbers as an ordered JSON-ready map. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("train", train);
            m.put("test", test);
            m.put("train_images", trainImages);
            m.put("test_images", testImages);
            m.put("skipped", skipped);
            m.put("classes", classNames.size());
            m.put("validation_images", probe.validationSize());
            m.put("validation_fraction", options.validationFraction());
            m.put("draws", options.draws());
            m.put("seed", options.seed());
            Map<String, Object> grid = new LinkedHashMap<>();
            grid.put("min_log10", options.grid().minExponent());
            grid.put("max_log10", options.grid().maxExponent());
            grid.put("coarse_step", options.grid().coarseStep());
            grid.put("fine_step", options.grid().fineStep());
            m.put("lambda_grid", grid);
            m.put("objective", "mean cross-entropy + lambda/2 * ||W||^2 (bias unpenalized), L-BFGS (libtorch)");
            List<Map<String, Object>> points = new ArrayList<>();
            for (LinearProbe.Point p : probe.points()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("shots", p.label());
                pm.put("shots_per_class", p.shotsPerClass());
                pm.put("mean", p.mean());
                pm.put("std", p.std());
                pm.put("min", p.min());
                pm.put("max", p.max());
                List<Map<String, Object>> runs = new ArrayList<>();
                for (LinearProbe.Run r : p.runs()) {
                    Map<String, Object> rm = new LinkedHashMap<>();
                    rm.put("draw", r.draw());
                    rm.put("train_examples", r.trainExamples());
                    rm.put("lambda", r.lambda());
                    rm.put("validation_accuracy", r.validationAccuracy());
                    rm.put("test_accuracy", r.testAccuracy());
                    runs.add(rm);
                }
                pm.put("runs", runs);
                points.add(pm);
            }
            m.put("points", points);
            m.put("skipped_shots", probe.skippedShots());
            m.put("templates", templates);
            m.put("zeroshot_top1", zeroShotTop1);
            if (effectiveShots != null) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("shots", effectiveShots.shots());
                e.put("bound", effectiveShots.bound().name().toLowerCase(java.util.Locale.ROOT));
                m.put("effective_shots", e);
            } else {
                m.put("effective_shots", null);
            }
            return m;
        }
    }

    private LinearProbeEvaluation() {
    }

    /**
     * Runs the k-shot curve on {@code train} and measures on {@code test}; zero-shot too when
     * {@code templates} is given and the training set names its classes. Test labels are matched
     * to training classes by name when both sets name them.
     *
     * @param log receives progress lines (may be null)
     */
    public static Result run(FeatureStore store, LabelledSet train, LabelledSet test, Templates templates,
                             LinearProbe.Options options, Consumer<String> log) throws Exception {
        Features tr = store.images(train, null);
        Features te = store.images(test, null);
        if (tr.size() == 0 || te.size() == 0) {
            throw new IllegalArgumentException("no readable images in " + (tr.size() == 0 ? train : test).description());
        }
        List<String> names = train.classNamesFor(tr);
        if (!train.classNames().isEmpty() && !test.classNames().isEmpty()) {
            te = te.relabel(test.classNames(), names);
        }
        int numClasses = Math.max(names.size(), te.impliedClasses());
        LinearProbe.Result probe = LinearProbe.run(tr.vectors(), tr.labels(), te.vectors(), te.labels(), numClasses, options, log);
        Double zs = null;
        EffectiveShots eff = null;
        if (templates != null && !train.classNames().isEmpty()) {
            zs = ZeroShotEvaluation.metrics(store, te, names, templates).top1();
            eff = probe.effectiveShots(zs);
        }
        return new Result(train.description(), test.description(), tr.size(), te.size(),
                tr.skipped().size() + te.skipped().size(), names, options, probe,
                templates != null ? templates.name() : null, zs, eff);
    }

    /** Writes results.json, kshot.png and report.html into {@code dir}. */
    public static Path write(Result r, Map<String, ?> about, Path dir) throws Exception {
        EvalReports.writeJson(dir, EvalReports.document("linear-probe", about, r.toJson()));
        List<LinearProbe.Point> pts = r.probe().points();
        double[] x = pts.stream().mapToDouble(LinearProbe.Point::shotsPerClass).toArray();
        Map<String, double[][]> curves = new LinkedHashMap<>();
        curves.put("linear probe (mean of draws)", new double[][]{x, pts.stream().mapToDouble(LinearProbe.Point::mean).toArray()});
        if (pts.stream().anyMatch(p -> p.runs().size() > 1)) {
            curves.put("worst draw", new double[][]{x, pts.stream().mapToDouble(LinearProbe.Point::min).toArray()});
            curves.put("best draw", new double[][]{x, pts.stream().mapToDouble(LinearProbe.Point::max).toArray()});
        }
        Path png = dir.resolve("kshot.png");
        EffectiveShots e = r.effectiveShots();
        double zs = r.zeroShotTop1() != null ? r.zeroShotTop1() : Double.NaN;
        double marker = e != null && e.bound() == EffectiveShots.Bound.INTERPOLATED ? e.shots() : Double.NaN;
        Charts.curveWithHorizontalLine("Linear probe vs zero-shot", "labelled examples per class", "top-1 accuracy",
                curves, "zero-shot", zs, e != null ? "effective shots " + e.describe() : "", marker, png, 900, 520);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("train", r.train() + " (" + r.trainImages() + " images, " + r.probe().validationSize() + " held out for λ)");
        summary.put("test", r.test() + " (" + r.testImages() + " images)");
        summary.put("skipped (unreadable)", r.skipped());
        summary.put("classes", r.classNames().size());
        summary.put("draws per k", r.options().draws());
        summary.put("zero-shot top-1", r.zeroShotTop1() != null ? EvalReports.pct(r.zeroShotTop1()) + " (" + r.templates() + " templates)"
                : "not measured (needs class names and templates)");
        summary.put("effective shots", e != null ? e.describe() : "n/a");
        if (!r.probe().skippedShots().isEmpty()) {
            summary.put("k skipped (a class has fewer examples)", r.probe().skippedShots().toString());
        }
        List<List<?>> rows = new ArrayList<>();
        for (LinearProbe.Point p : pts) {
            double[] lambdas = p.runs().stream().mapToDouble(LinearProbe.Run::lambda).sorted().toArray();
            rows.add(List.of(p.label(), p.runs().size(), EvalReports.pct(p.mean()), EvalReports.pct(p.std()),
                    EvalReports.pct(p.min()) + " – " + EvalReports.pct(p.max()),
                    String.format(java.util.Locale.ROOT, "%.3g", lambdas[lambdas.length / 2])));
        }
        HtmlReport page = EvalReports.page("Linear-probe evaluation", about).heading("Results").keyValueTable(summary)
                .image("Top-1 accuracy of the probe by labelled examples per class (log scale), with zero-shot accuracy", png)
                .heading("k-shot curve")
                .table(List.of("shots per class", "runs", "mean top-1", "std", "range", "median λ"), rows)
                .paragraph("Multinomial logistic regression on L2-normalized image features, fitted with libtorch's L-BFGS; "
                        + "λ (objective: mean cross-entropy + λ/2·‖W‖²) chosen on a class-stratified validation split "
                        + "held out of the training set, coarse to fine over 10^" + r.options().grid().minExponent()
                        + "…10^" + r.options().grid().maxExponent() + ". \"all\" is refitted on the whole training set "
                        + "with the chosen λ.");
        return EvalReports.writeHtml(dir, page);
    }
}
