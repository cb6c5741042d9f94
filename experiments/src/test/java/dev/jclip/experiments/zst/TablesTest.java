package dev.jclip.experiments.zst;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Java tables equal what the Python pipeline printed for the same inputs (CPython 3.11.7):
 * table.md from the heredoc of the old scripts/zero-shot-transfer.sh on results.tsv, report.md from
 * scripts/zst-table.py on runs/ (made-up run folders with ties at the rounding digit, a run without
 * mean recall logged, probes with and without "all", every effective-shots bound and none), and
 * results.tsv rows as the old shell snippets and printf wrote them.
 */
class TablesTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(TablesTest.class.getResource(name).toURI());
    }

    @Test
    void resultsTableMatchesPython() throws Exception {
        assertEquals(Files.readString(resource("table.md"), StandardCharsets.UTF_8),
                ResultsTable.render(ResultsTable.read(resource("results.tsv"))));
    }

    @Test
    void runReportMatchesPython() throws Exception {
        assertEquals(Files.readString(resource("report.md"), StandardCharsets.UTF_8), RunReport.render(RunReport.runs(resource("runs"))));
    }

    @Test
    void resultsRowsMatchTheShellSnippets() throws Exception {
        Path runs = resource("runs");
        assertEquals("0\tminilm\t40\t0.4217\t0.4161\t0.6972\t0.3750\t0.5623\t1:3.1;2:35.7;4:6.2;8:3.9\t>1.2e+03\t2.6",
                RunSummary.row("0", "minilm", runs.resolve("split-0/minilm"), 157));
        assertEquals("1\tscratch\t40\t0.2028\t0.0625\t0.5768\t0.0625\t0.6369\t1:37.5;2:9.1;4:16.5;8:6.2;all:20.2\t-\t2.6",
                RunSummary.row("1", "scratch", runs.resolve("split-1/scratch"), 157));
        assertEquals("2\tscratch\t40\t0.3877\t0.0916\t0.5900\t0.3952\t0.4250\t1:37.5;2:11.9;8:10.6\t>8\t2.6",
                RunSummary.row("2", "scratch", runs.resolve("split-2/scratch"), 157));
        assertEquals("1\tminilm\t80\t0.4133\t0.3750\t0.4114\t0.0239\t0.3454\t1:28.1;2:37.5;4:29.5;8:15.3;all:46.8\t>2.3\t2.6",
                RunSummary.row("1", "minilm", runs.resolve("split-1/minilm"), 157));
    }

    @Test
    void pythonRoundingAndStatistics() {
        // ties go to the even digit on the exact binary value, unlike Java's %.1f
        assertEquals("0.2", Py.fixed(0.25, 1));
        assertEquals("6.2", Py.fixed(6.25, 1));
        assertEquals("2.67", Py.fixed(2.675, 2)); // 2.67499999…
        assertEquals("nan", Py.fixed(Double.NaN, 2));
        assertEquals(List.of("1", "0.05", "2.3", "1.2e+03", "12", "0.00012", "1e-05", "1e+02"),
                List.of(Py.general(1, 2), Py.general(0.05, 2), Py.general(2.345, 2), Py.general(1234, 2),
                        Py.general(12.3, 2), Py.general(0.00012, 2), Py.general(0.00001, 2), Py.general(99.9, 2)));
        assertEquals(1.0810874155219827, Py.stdev(List.of(1.5, 2.5, 2.5, 2.75, 3.25, 4.75)));
        assertEquals(0.2, Py.mean(List.of(0.1, 0.3))); // statistics.mean: the exact mean, rounded once
    }
}
