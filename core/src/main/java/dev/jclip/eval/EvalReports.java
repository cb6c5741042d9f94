package dev.jclip.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jclip.report.AtomicFiles;
import dev.jclip.report.HtmlReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every evaluation writes into its output folder: {@code results.json} (the numbers, in a
 * fixed key order and with no timestamps, so equal runs give equal files) and {@code report.html}
 * with the plots as PNG files beside it.
 */
final class EvalReports {
    static final String JSON_FILE = "results.json";
    static final String HTML_FILE = "report.html";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvalReports() {
    }

    /** The JSON document: task, run description, then the results. */
    static Map<String, Object> document(String task, Map<String, ?> about, Map<String, Object> results) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("task", task);
        doc.put("run", about);
        doc.putAll(results);
        return doc;
    }

    static void writeJson(Path dir, Map<String, Object> doc) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(JSON_FILE), JSON.writeValueAsBytes(doc));
    }

    /** A page opened with the run description. */
    static HtmlReport page(String title, Map<String, ?> about) {
        HtmlReport r = new HtmlReport().title(title);
        if (!about.isEmpty()) {
            r.keyValueTable(about);
        }
        return r;
    }

    static Path writeHtml(Path dir, HtmlReport report) throws IOException {
        Path html = dir.resolve(HTML_FILE);
        report.preformatted("Numbers: " + JSON_FILE + " in this folder.");
        report.write(html);
        return html;
    }

    /** A JSON-safe number: NaN and infinities become null (JSON has no such values). */
    static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** A percentage with two decimals, or "n/a". */
    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "n/a";
    }
}
