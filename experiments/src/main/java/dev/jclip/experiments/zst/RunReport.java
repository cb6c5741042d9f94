package dev.jclip.experiments.zst;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The tables of docs/zero-shot-transfer.md from the run folders of
 * {@code scripts/zero-shot-transfer.sh} and {@code scripts/zst-center.sh}: per run, the checkpoint
 * chosen on validation-unseen and its zero-shot numbers; means ± std over the splits; then, where
 * those evaluations exist, the centred, calibrated and described-prompt classifiers with the choice
 * validation-unseen makes among them, and the k-shot probe with the effective shots.
 */
public final class RunReport {
    /** A classifier validation-unseen can choose: its label, its val-unseen key and its test-unseen key. */
    private record Choice(String label, String val, String test) {
    }

    private static final List<Choice> NAMES = List.of(new Choice("plain", "v", "u"), new Choice("centred", "vc", "uc"),
            new Choice("calibrated", "vz", "uz"));

    private RunReport() {
    }

    /** Every finished run under OUT, split folders sorted by name, towers in table order. */
    public static List<RunRecord> runs(Path out) throws IOException {
        List<Path> splits;
        try (Stream<Path> s = Files.list(out)) {
            splits = s.filter(p -> p.getFileName().toString().startsWith("split-")).sorted().toList();
        }
        List<RunRecord> runs = new ArrayList<>();
        for (Path split : splits) {
            String name = split.getFileName().toString();
            String seed = name.substring(name.lastIndexOf('-') + 1);
            for (String t : ResultsTable.TOWERS) {
                RunRecord r = RunRecord.read(seed, t, split.resolve(t));
                if (r != null) {
                    runs.add(r);
                }
            }
        }
        return runs;
    }

    private static String pct(double v) {
        return Py.fixed(100 * v, 1);
    }

    /** Mean ± std in percent of key over the runs that have it ("-" if none). */
    private static String meanStd(List<RunRecord> rs, String key) {
        List<Double> v = rs.stream().filter(r -> r.has(key)).map(r -> 100 * r.get(key)).toList();
        return v.isEmpty() ? "-" : v.size() > 1 ? Py.fixed(Py.mean(v), 1) + " ± " + Py.fixed(Py.stdev(v), 1)
                : Py.fixed(v.get(0), 1);
    }

    /** Each choice's mean val-unseen mean per-class recall over the runs, in the order given. */
    private static Map<Choice, Double> vals(List<RunRecord> rs, List<Choice> choices) {
        Map<Choice, Double> vals = new LinkedHashMap<>();
        for (Choice c : choices) {
            vals.put(c, Py.mean(rs.stream().map(r -> r.get(c.val() + "r")).toList()));
        }
        return vals;
    }

    /** The choice with the highest mean, the first on a tie (Python's max over a dict). */
    private static Choice chosen(Map<Choice, Double> vals) {
        Choice best = null;
        for (Map.Entry<Choice, Double> e : vals.entrySet()) {
            if (best == null || e.getValue() > vals.get(best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    private static List<RunRecord> ofTower(List<RunRecord> runs, String t) {
        return runs.stream().filter(r -> r.tower().equals(t)).toList();
    }

    private static List<RunRecord> having(List<RunRecord> runs, String... keys) {
        Predicate<RunRecord> all = r -> Stream.of(keys).allMatch(r::has);
        return runs.stream().filter(all).toList();
    }

    /** The whole report, as Markdown. */
    public static String render(List<RunRecord> runs) {
        StringBuilder o = new StringBuilder();
        o.append("Per run (the checkpoint with the best validation-unseen mean per-class recall):\n\n");
        o.append("| split | text tower | step | val-unseen top-1 | val-unseen per-class recall | unseen top-1 | unseen top-5 "
                + "| unseen per-class recall | seen top-1 | seen top-5 | final loss |\n");
        o.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunRecord r : runs) {
            double valr = r.get("valr");
            o.append("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n".formatted(r.split(), r.tower(), r.step(),
                    pct(r.get("val")), Double.isNaN(valr) ? "-" : pct(valr), pct(r.get("u1")), pct(r.get("u5")),
                    pct(r.get("ur")), pct(r.get("s1")), pct(r.get("s5")), Py.fixed(r.loss(), 2)));
        }
        o.append("\nMean ± std over the splits done:\n\n");
        o.append("| text tower | splits | unseen top-1 | unseen top-5 | unseen per-class recall | seen top-1 | seen top-5 |\n");
        o.append("|---|---|---|---|---|---|---|\n");
        for (String t : ResultsTable.TOWERS) {
            List<RunRecord> rs = ofTower(runs, t);
            if (!rs.isEmpty()) {
                o.append("| %s | %d (%s) | %s | %s | %s | %s | %s |\n".formatted(t, rs.size(), splits(rs), meanStd(rs, "u1"),
                        meanStd(rs, "u5"), meanStd(rs, "ur"), meanStd(rs, "s1"), meanStd(rs, "s5")));
            }
        }
        o.append("\nChance: 5.0% top-1, 25.0% top-5 on the 20 test-unseen classes (a constant guess of the largest class "
                + "scores its share of the photos, see per-class recall); 1.7% / 8.5% on the 59 seen classes.\n");
        centred(o, runs);
        probes(o, runs);
        List<RunRecord> calibrated = having(runs, "uz1", "vz1", "v1", "vc1");
        calibrated(o, calibrated);
        described(o, having(calibrated, "vd1", "vdc1", "vdz1", "ud1", "udc1", "udz1"));
        return o.toString();
    }

    private static String splits(List<RunRecord> rs) {
        return String.join(",", rs.stream().map(RunRecord::split).toList());
    }

    private static void centred(StringBuilder o, List<RunRecord> runs) {
        List<RunRecord> centered = having(runs, "uc1", "vc1", "v1");
        if (centered.isEmpty()) {
            return;
        }
        o.append("\nCentered class embeddings (`--center-classes`), the second choice made on validation-unseen: "
                + "val-unseen mean per-class recall plain → centered, and the test numbers with centering:\n\n");
        o.append("| split | text tower | val-unseen plain | val-unseen centered | unseen top-1 | unseen top-5 "
                + "| unseen per-class recall | seen top-1 |\n");
        o.append("|---|---|---|---|---|---|---|---|\n");
        for (RunRecord r : centered) {
            o.append("| %s | %s | %s | %s | %s | %s | %s | %s |\n".formatted(r.split(), r.tower(), pct(r.get("vr")),
                    pct(r.get("vcr")), pct(r.get("uc1")), pct(r.get("uc5")), pct(r.get("ucr")),
                    r.has("sc1") ? pct(r.get("sc1")) : "-"));
        }
        o.append("\nMean over splits, with the choice validation-unseen makes per text tower (centered if its mean "
                + "val-unseen mean per-class recall is higher):\n\n");
        o.append("| text tower | splits | choice (val-unseen plain / centered) | unseen top-1 | unseen top-5 | seen top-1 |\n");
        o.append("|---|---|---|---|---|---|\n");
        Choice plain = new Choice("plain", "v", "u");
        Choice cen = new Choice("centered", "vc", "uc");
        for (String t : ResultsTable.TOWERS) {
            List<RunRecord> rs = ofTower(centered, t);
            if (rs.isEmpty()) {
                continue;
            }
            Map<Choice, Double> vals = vals(rs, List.of(plain, cen));
            Choice c = chosen(vals);
            o.append("| %s | %d | %s (%s / %s) | %s | %s | %s |\n".formatted(t, rs.size(), c.label(), pct(vals.get(plain)),
                    pct(vals.get(cen)), meanStd(rs, c.test() + "1"), meanStd(rs, c.test() + "5"),
                    meanStd(rs, c.test().replace("u", "s") + "1")));
        }
    }

    private static void probes(StringBuilder o, List<RunRecord> runs) {
        List<RunRecord> probes = runs.stream().filter(r -> r.probe() != null).toList();
        if (probes.isEmpty()) {
            return;
        }
        Set<String> keys = new LinkedHashSet<>();
        probes.forEach(r -> keys.addAll(r.probe().keySet()));
        // numeric shots in order, then any other label ("all")
        List<String> ks = keys.stream().sorted(Comparator.comparing((String k) -> !isDigits(k))
                .thenComparing(k -> isDigits(k) ? new java.math.BigInteger(k) : java.math.BigInteger.ZERO)).toList();
        o.append("\nk-shot linear probe on the test-unseen classes (top-1 %, mean of 3 draws) and the zero-shot "
                + "classifier's effective shots:\n\n");
        o.append("| split | text tower | ").append(String.join(" | ", ks.stream().map(k -> "k=" + k).toList()))
                .append(" | zero-shot top-1 | effective shots |\n");
        o.append("|---|---|").append("---|".repeat(ks.size())).append("---|---|\n");
        for (RunRecord r : probes) {
            o.append("| %s | %s | ".formatted(r.split(), r.tower()))
                    .append(String.join(" | ", ks.stream().map(k -> r.probe().containsKey(k) ? pct(r.probe().get(k)) : "-").toList()))
                    .append(" | %s | %s |\n".formatted(r.probeZs() != null ? pct(r.probeZs()) : "-",
                            r.eff() == null || r.eff().isEmpty() ? "-" : r.eff()));
        }
    }

    private static boolean isDigits(String k) {
        return !k.isEmpty() && k.chars().allMatch(Character::isDigit);
    }

    private static void calibrated(StringBuilder o, List<RunRecord> calibrated) {
        if (calibrated.isEmpty()) {
            return;
        }
        o.append("\nClass scores standardised over the seen training images (`--calibrate-on train-seen`): "
                + "val-unseen mean per-class recall, and the test-unseen numbers with it:\n\n");
        o.append("| split | text tower | val-unseen plain | val-unseen calibrated | unseen top-1 | unseen top-5 "
                + "| unseen per-class recall |\n");
        o.append("|---|---|---|---|---|---|---|\n");
        for (RunRecord r : calibrated) {
            o.append("| %s | %s | %s | %s | %s | %s | %s |\n".formatted(r.split(), r.tower(), pct(r.get("vr")),
                    pct(r.get("vzr")), pct(r.get("uz1")), pct(r.get("uz5")), pct(r.get("uzr"))));
        }
        o.append("\nMean over splits, with the classifier validation-unseen chooses per text tower among plain, centred and "
                + "calibrated (the highest mean val-unseen mean per-class recall):\n\n");
        o.append("| text tower | splits | choice (val-unseen plain / centred / calibrated) | unseen top-1 | unseen top-5 "
                + "| unseen per-class recall |\n");
        o.append("|---|---|---|---|---|---|\n");
        for (String t : ResultsTable.TOWERS) {
            List<RunRecord> rs = ofTower(calibrated, t);
            if (rs.isEmpty()) {
                continue;
            }
            Map<Choice, Double> vals = vals(rs, NAMES);
            Choice c = chosen(vals);
            o.append("| %s | %d | %s (%s) | %s | %s | %s |\n".formatted(t, rs.size(), c.label(),
                    String.join(" / ", NAMES.stream().map(n -> pct(vals.get(n))).toList()), meanStd(rs, c.test() + "1"),
                    meanStd(rs, c.test() + "5"), meanStd(rs, c.test() + "r")));
        }
    }

    private static void described(StringBuilder o, List<RunRecord> described) {
        if (described.isEmpty()) {
            return;
        }
        o.append("\nPrompts that name the class or describe it (name + WordNet definition, DESCRIBE=1 scripts/zst-center.sh), "
                + "each plain, centred or calibrated: val-unseen mean per-class recall per run:\n\n");
        List<Choice> choices = new ArrayList<>();
        NAMES.forEach(n -> choices.add(new Choice("names, " + n.label(), n.val(), n.test())));
        NAMES.forEach(n -> choices.add(new Choice("descriptions, " + n.label(), "vd" + n.val().substring(1),
                "ud" + n.test().substring(1))));
        o.append("| split | text tower | ").append(String.join(" | ", choices.stream().map(Choice::label).toList())).append(" |\n");
        o.append("|---|---|").append("---|".repeat(choices.size())).append('\n');
        for (RunRecord r : described) {
            o.append("| %s | %s | ".formatted(r.split(), r.tower()))
                    .append(String.join(" | ", choices.stream().map(c -> pct(r.get(c.val() + "r"))).toList())).append(" |\n");
        }
        o.append("\nMean over splits, with the classifier validation-unseen chooses per text tower among the six "
                + "(the highest mean val-unseen mean per-class recall):\n\n");
        o.append("| text tower | splits | choice (its val-unseen mean recall) | unseen top-1 | unseen top-5 | unseen per-class recall |\n");
        o.append("|---|---|---|---|---|---|\n");
        for (String t : ResultsTable.TOWERS) {
            List<RunRecord> rs = ofTower(described, t);
            if (rs.isEmpty()) {
                continue;
            }
            Map<Choice, Double> vals = vals(rs, choices);
            Choice c = chosen(vals);
            o.append("| %s | %d | %s (%s) | %s | %s | %s |\n".formatted(t, rs.size(), c.label(), pct(vals.get(c)),
                    meanStd(rs, c.test() + "1"), meanStd(rs, c.test() + "5"), meanStd(rs, c.test() + "r")));
        }
    }
}
