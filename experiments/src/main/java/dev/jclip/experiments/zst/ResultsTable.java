package dev.jclip.experiments.zst;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OUT/table.md of {@code scripts/zero-shot-transfer.sh}: mean ± std per text tower over the rows
 * of OUT/results.tsv (one row per finished split × tower, written by {@link RunSummary}).
 */
public final class ResultsTable {
    /** The text towers of the experiment, in table order. */
    public static final List<String> TOWERS = List.of("minilm", "minilm-fixed", "scratch", "shuffled", "shuffled-fixed");

    private ResultsTable() {
    }

    /** Reads a results.tsv: a header row, then tab-separated values (no quoting: no value holds a tab). */
    public static List<Map<String, String>> read(Path tsv) throws IOException {
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        List<Map<String, String>> rows = new ArrayList<>();
        if (lines.isEmpty()) {
            return rows;
        }
        String[] header = lines.get(0).split("\t", -1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            String[] v = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], i < v.length ? v[i] : null);
            }
            rows.add(row);
        }
        return rows;
    }

    /** The Markdown table, ending in a newline. */
    public static String render(List<Map<String, String>> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| text tower | splits | unseen top-1 | unseen top-5 | seen top-1 | seen top-5 | val-unseen top-1 | train min |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (String t : TOWERS) {
            List<Map<String, String>> rs = rows.stream().filter(r -> t.equals(r.get("tower"))).toList();
            if (rs.isEmpty()) {
                continue;
            }
            List<Double> minutes = rs.stream().map(r -> Py.parseFloat(r.get("train_min"))).toList();
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s |\n".formatted(t,
                    String.join(",", rs.stream().map(r -> r.get("split")).toList()), cell(rs, "unseen_top1"),
                    cell(rs, "unseen_top5"), cell(rs, "seen_top1"), cell(rs, "seen_top5"), cell(rs, "val_unseen_top1"),
                    Py.fixed(Py.mean(minutes), 1)));
        }
        out.append('\n');
        out.append("Chance: 5.0% top-1 / 25.0% top-5 on the 20 test-unseen classes; 1.7% / 8.5% on the 59 seen classes.\n");
        return out.toString();
    }

    /** Mean ± std in percent over the rows, or the one value. */
    private static String cell(List<Map<String, String>> rs, String key) {
        List<Double> v = rs.stream().map(r -> 100 * Py.parseFloat(r.get(key))).toList();
        return v.size() > 1 ? Py.fixed(Py.mean(v), 1) + " ± " + Py.fixed(Py.stdev(v), 1) : Py.fixed(v.get(0), 1);
    }
}
