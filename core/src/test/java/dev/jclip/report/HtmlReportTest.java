package dev.jclip.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {
    @TempDir
    Path dir;

    @Test
    void escapesEveryKindOfText() throws Exception {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("<script>alert(1)</script>", "a & b");
        kv.put("loss", 0.123456789);
        Path html = dir.resolve("r.html");
        new HtmlReport().title("T <script>")
                .heading("<h2>")
                .paragraph("x < y & \"q\" 'a'")
                .keyValueTable(kv)
                .table(List.of("<label>"), List.of(List.of("<script>")))
                .preformatted("</pre><script>")
                .write(html);
        String s = Files.readString(html);
        assertFalse(s.contains("<script>"), s);
        assertTrue(s.contains("<title>T &lt;script&gt;</title>"));
        assertTrue(s.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(s.contains("x &lt; y &amp; &quot;q&quot; &#39;a&#39;"));
        assertTrue(s.contains("<td class=\"num\">0.1235</td>"), s);
        assertTrue(s.contains("<pre>&lt;/pre&gt;&lt;script&gt;</pre>"));
        assertEquals("&lt;a href=&quot;x&quot;&gt;", HtmlReport.escape("<a href=\"x\">"));
    }

    @Test
    void embedsImagesAndKeepsCopiesBesideThePage() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("plots"));
        Path png = elsewhere.resolve("my plot.png");
        Charts.linePlot("t", "x", "y", Map.of("s", new double[][]{{1, 2, 3}, {3, 1, 2}}), png, 200, 100);
        Path other = Files.createDirectories(dir.resolve("other")).resolve("my plot.png");
        Charts.linePlot("u", "x", "y", Map.of("s", new double[][]{{1, 2}, {1, 2}}), other, 120, 80);

        Path html = dir.resolve("out/report.html");
        new HtmlReport().title("r").image("first <caption>", png).image("second", other).write(html);
        String s = Files.readString(html);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(s.contains("src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(bytes) + "\""));
        assertTrue(s.contains("href=\"my%20plot.png\""), s);
        assertTrue(s.contains("href=\"my%20plot-2.png\""), "same name, different image gets its own file");
        assertTrue(s.contains("<figcaption>first &lt;caption&gt;</figcaption>"));
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("out/my plot.png")));
        assertArrayEquals(Files.readAllBytes(other), Files.readAllBytes(dir.resolve("out/my plot-2.png")));
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(3, files.count(), Arrays.toString(dir.resolve("out").toFile().list()));
        }
    }
}
