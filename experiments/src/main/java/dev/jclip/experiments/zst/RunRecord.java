package dev.jclip.experiments.zst;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One finished run folder (OUT/split-SEED/TOWER/) as {@link RunReport} reads it: the checkpoint chosen
 * on validation-unseen, and the numbers of every evaluation found beside it. Metric keys follow
 * the short names of the report: {@code u1}, {@code u5}, {@code ur} are test-unseen top-1, top-5 and
 * mean per-class recall; {@code s} the seen classes; {@code v} validation-unseen; a {@code c} suffix
 * on the set centred, {@code z} calibrated, {@code d} described prompts.
 *
 * @param split    the split's seed, as in the folder name
 * @param tower    the text tower run
 * @param step     the chosen step
 * @param loss     the last training loss logged (NaN if none)
 * @param metrics  short key to value
 * @param probe    probe shots ("1", "2", …) to mean accuracy, or null without a probe
 * @param probeZs  the probe's zero-shot top-1, or null
 * @param eff      the effective shots ("≤ 1"), or null
 */
public record RunRecord(String split, String tower, int step, double loss, Map<String, Double> metrics,
                        Map<String, Double> probe, Double probeZs, String eff) {
    /** Evaluations of {@code scripts/zst-center.sh}: key prefix and folder. */
    private static final List<String[]> EXTRA = List.of(new String[]{"v", "eval-val"},
            new String[]{"vc", "eval-val-centered"}, new String[]{"uc", "eval-unseen-centered"},
            new String[]{"sc", "eval-seen-centered"}, new String[]{"vz", "eval-val-calibrated"},
            new String[]{"uz", "eval-unseen-calibrated"},
            // described class names (DESCRIBE=1 scripts/zst-center.sh)
            new String[]{"vd", "eval-val-desc"}, new String[]{"vdc", "eval-val-desc-centered"},
            new String[]{"vdz", "eval-val-desc-calibrated"}, new String[]{"ud", "eval-unseen-desc"},
            new String[]{"udc", "eval-unseen-desc-centered"}, new String[]{"udz", "eval-unseen-desc-calibrated"});

    /** Whether the run has this metric. */
    public boolean has(String key) {
        return metrics.containsKey(key);
    }

    /** A metric the run has. */
    public double get(String key) {
        Double v = metrics.get(key);
        if (v == null) {
            throw new IllegalArgumentException(split + "/" + tower + " has no " + key);
        }
        return v;
    }

    /** The run in {@code dir}, or null when its test-unseen and seen evaluations are not both there. */
    public static RunRecord read(String split, String tower, Path dir) throws IOException {
        Path u = dir.resolve("eval-unseen/results.json");
        Path s = dir.resolve("eval-seen/results.json");
        if (!Files.exists(u) || !Files.exists(s)) {
            return null;
        }
        JsonNode ru = RunSummary.JSON.readTree(u.toFile());
        JsonNode rs = RunSummary.JSON.readTree(s.toFile());
        RunSummary.Best best = RunSummary.best(dir.resolve("metrics.jsonl"));
        double loss = Double.NaN;
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            if (line.contains("\"loss\"")) {
                loss = RunSummary.JSON.readTree(line).get("loss").asDouble();
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val", best.top1());
        JsonNode valr = best.eval().get("zeroshot_mean_recall");
        m.put("valr", valr == null ? Double.NaN : valr.asDouble());
        put(m, "u", ru);
        put(m, "s", rs);
        for (String[] e : EXTRA) {
            Path f = dir.resolve(e[1]).resolve("results.json");
            if (Files.exists(f)) {
                put(m, e[0], RunSummary.JSON.readTree(f.toFile()));
            }
        }
        Map<String, Double> probe = null;
        Double probeZs = null;
        String eff = null;
        Path p = dir.resolve("eval-probe/results.json");
        if (Files.exists(p)) {
            JsonNode rp = RunSummary.JSON.readTree(p.toFile());
            probe = new LinkedHashMap<>();
            for (JsonNode pt : rp.path("points")) {
                probe.put(pt.get("shots").asText(), pt.get("mean").asDouble());
            }
            JsonNode zs = rp.get("zeroshot_top1");
            probeZs = zs == null || zs.isNull() ? null : zs.asDouble();
            eff = RunSummary.effectiveShots(rp.get("effective_shots"), "≤ ", "> ");
        }
        return new RunRecord(split, tower, best.step(), loss, m, probe, probeZs, eff);
    }

    private static void put(Map<String, Double> m, String prefix, JsonNode r) {
        m.put(prefix + "1", r.get("top1").asDouble());
        m.put(prefix + "5", r.get("top5").asDouble());
        m.put(prefix + "r", r.get("mean_per_class_recall").asDouble());
    }
}
