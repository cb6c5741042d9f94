package dev.jclip.experiments.zst;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code scripts/zero-shot-transfer.sh} reads back from a finished run folder: the checkpoint
 * chosen on validation-unseen (early stopping), and the run's row of results.tsv.
 */
public final class RunSummary {
    static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private RunSummary() {
    }

    /** The evaluation chosen on validation-unseen: its step and its validation-unseen top-1. */
    public record Best(int step, double top1, JsonNode eval) {
    }

    /**
     * The zero-shot evaluation of RUN/metrics.jsonl with the highest mean per-class recall (top-1
     * when some evaluation lacks it, as older runs do), the later step on a tie.
     */
    public static Best best(Path metricsJsonl) throws IOException {
        List<JsonNode> evals = new ArrayList<>();
        for (String line : Files.readAllLines(metricsJsonl, StandardCharsets.UTF_8)) {
            if (line.contains("zeroshot_top1")) { // the line filter the scripts used
                evals.add(JSON.readTree(line));
            }
        }
        if (evals.isEmpty()) {
            throw new IllegalArgumentException(metricsJsonl + " has no zero-shot evaluation");
        }
        String key = evals.stream().allMatch(e -> e.has("zeroshot_mean_recall")) ? "zeroshot_mean_recall" : "zeroshot_top1";
        JsonNode best = evals.get(0);
        for (JsonNode e : evals.subList(1, evals.size())) {
            double a = e.get(key).asDouble();
            double b = best.get(key).asDouble();
            // Python's max over (value, step) tuples: a later equal maximum does not replace the first
            if (a != b ? a > b : e.get("step").asInt() > best.get("step").asInt()) {
                best = e;
            }
        }
        return new Best(best.get("step").asInt(), best.get("zeroshot_top1").asDouble(), best);
    }

    /**
     * The results.tsv row of a run: split, tower, chosen step, validation-unseen top-1, zero-shot
     * top-1/top-5 on test-unseen and seen, the probe curve ("1:22.6;2:28.6;…", "-" without a probe)
     * and the effective shots, and the training minutes.
     */
    public static String row(String split, String tower, Path run, long trainSeconds) throws IOException {
        Best best = best(run.resolve("metrics.jsonl"));
        JsonNode u = JSON.readTree(run.resolve("eval-unseen/results.json").toFile());
        JsonNode s = JSON.readTree(run.resolve("eval-seen/results.json").toFile());
        String probe = "-";
        String eff = "-";
        Path p = run.resolve("eval-probe/results.json");
        if (Files.exists(p)) {
            String[] pe = probe(JSON.readTree(p.toFile()));
            probe = pe[0];
            eff = pe[1];
        }
        return String.join("\t", split, tower, Integer.toString(best.step()), Py.fixed(best.top1(), 4),
                Py.fixed(u.get("top1").asDouble(), 4), Py.fixed(u.get("top5").asDouble(), 4),
                Py.fixed(s.get("top1").asDouble(), 4), Py.fixed(s.get("top5").asDouble(), 4), probe, eff,
                Py.fixed(trainSeconds / 60.0, 1));
    }

    /** The probe curve and the effective shots ("≤1" is written "<=1", "&gt;8" as ">8"). */
    static String[] probe(JsonNode r) {
        List<String> pts = new ArrayList<>();
        for (JsonNode pt : r.path("points")) {
            pts.add(pt.get("shots").asText() + ":" + Py.fixed(100 * pt.get("mean").asDouble(), 1));
        }
        String eff = effectiveShots(r.get("effective_shots"), "<=", ">");
        return new String[]{pts.isEmpty() ? "?" : String.join(";", pts), eff == null ? "-" : eff};
    }

    /**
     * The effective shots of a probe's results.json ({@code "%.2g"} after the bound's sign), or null
     * when the probe found none; results.tsv writes the bounds "<=" and ">", the report "≤ " and "> ".
     */
    static String effectiveShots(JsonNode e, String atMost, String moreThan) {
        if (e == null || e.isNull() || e.isEmpty()) {
            return null;
        }
        String bound = switch (e.get("bound").asText()) {
            case "at_most" -> atMost;
            case "more_than" -> moreThan;
            case "interpolated" -> "";
            default -> throw new IllegalArgumentException("unknown bound: " + e.get("bound"));
        };
        return bound + Py.general(e.get("shots").asDouble(), 2);
    }
}
