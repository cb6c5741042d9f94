package dev.jclip.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds one self-contained HTML page: inline CSS and images embedded as base64 data URIs, so the
 * file can be mailed or attached on its own. Each image is also kept as a file beside the page
 * (copied there when it lives elsewhere) and the embedded picture links to it, for full-size
 * viewing and for reuse in slides. All text is HTML-escaped.
 *
 * <p>Images are read when {@link #write(Path)} runs, so a report can be laid out before its plots
 * are drawn.
 */
public final class HtmlReport {
    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;",
            "color:#222;background:#fff;max-width:1000px;margin:2em auto;padding:0 1em;line-height:1.45}",
            "h1{font-size:1.7em;border-bottom:2px solid #1f6fb4;padding-bottom:.2em}",
            "h2{font-size:1.25em;margin-top:1.6em}",
            "table{border-collapse:collapse;margin:.8em 0}",
            "th,td{border:1px solid #ddd;padding:.3em .7em;text-align:left;vertical-align:top}",
            "th{background:#f3f5f8}",
            "tr:nth-child(even) td{background:#fafbfc}",
            "td.num{text-align:right;font-variant-numeric:tabular-nums}",
            "figure{margin:1.2em 0}",
            "figure img{max-width:100%;height:auto;border:1px solid #eee}",
            "figcaption{color:#555;font-size:.92em;margin-top:.3em}",
            "pre{background:#f6f8fa;border:1px solid #e4e7eb;padding:.8em;overflow-x:auto;font-size:.88em}");

    private String title = "Report";
    private final List<Block> blocks = new ArrayList<>();

    /** Sets the page title, shown in the browser tab and as the top heading. */
    public HtmlReport title(String title) {
        this.title = title == null ? "" : title;
        return this;
    }

    /** A section heading. */
    public HtmlReport heading(String text) {
        String t = escape(text);
        blocks.add((out, images) -> out.append("<h2>").append(t).append("</h2>\n"));
        return this;
    }

    /** A paragraph of plain text. */
    public HtmlReport paragraph(String text) {
        String t = escape(text);
        blocks.add((out, images) -> out.append("<p>").append(t).append("</p>\n"));
        return this;
    }

    /** A two-column table of names and values, in map order; numbers are formatted and right-aligned. */
    public HtmlReport keyValueTable(Map<String, ?> values) {
        List<List<?>> rows = new ArrayList<>();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            rows.add(Arrays.asList(e.getKey(), e.getValue()));
        }
        String html = tableHtml(null, rows);
        blocks.add((out, images) -> out.append(html));
        return this;
    }

    /** A table with a header row; rows may be shorter than the header (missing cells stay empty). */
    public HtmlReport table(List<String> headers, List<? extends List<?>> rows) {
        String html = tableHtml(headers, rows);
        blocks.add((out, images) -> out.append(html));
        return this;
    }

    /** A captioned image, embedded as a data URI and kept as a file beside the page. */
    public HtmlReport image(String caption, Path png) {
        String cap = escape(caption);
        Path src = png.toAbsolutePath();
        blocks.add((out, images) -> {
            byte[] bytes = Files.readAllBytes(src);
            String name = images.keepBeside(src, bytes);
            String uri = "data:" + mimeType(name) + ";base64," + Base64.getEncoder().encodeToString(bytes);
            out.append("<figure><a href=\"").append(escape(urlPath(name))).append("\">")
                    .append("<img src=\"").append(uri).append("\" alt=\"").append(cap).append("\"></a>")
                    .append("<figcaption>").append(cap).append("</figcaption></figure>\n");
        });
        return this;
    }

    /** Text shown verbatim in a monospaced block (logs, configurations). */
    public HtmlReport preformatted(String text) {
        String t = escape(text);
        blocks.add((out, images) -> out.append("<pre>").append(t).append("</pre>\n"));
        return this;
    }

    /** The page as HTML; images are read and copied beside {@code html} as for {@link #write(Path)}. */
    String render(Path html) throws IOException {
        StringBuilder out = new StringBuilder(4096);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n").append(CSS).append("\n</style>\n</head>\n<body>\n")
                .append("<h1>").append(escape(title)).append("</h1>\n");
        ImageFiles images = new ImageFiles(html.toAbsolutePath().getParent());
        for (Block b : blocks) {
            b.render(out, images);
        }
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    /**
     * Writes the page to {@code html} (UTF-8) atomically, so a browser refreshing it never sees
     * half a page; images not already beside it are copied there first.
     */
    public void write(Path html) throws IOException {
        Path abs = html.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        AtomicFiles.write(abs, render(abs).getBytes(StandardCharsets.UTF_8));
    }

    /** Escapes text for use in HTML element content and quoted attribute values. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String tableHtml(List<String> headers, List<? extends List<?>> rows) {
        StringBuilder b = new StringBuilder("<table>\n");
        if (headers != null) {
            b.append("<thead><tr>");
            for (String h : headers) {
                b.append("<th>").append(escape(h)).append("</th>");
            }
            b.append("</tr></thead>\n");
        }
        b.append("<tbody>\n");
        int width = headers == null ? 0 : headers.size();
        for (List<?> row : rows) {
            b.append("<tr>");
            int cells = Math.max(width, row.size());
            for (int i = 0; i < cells; i++) {
                Object v = i < row.size() ? row.get(i) : null;
                boolean number = v instanceof Number;
                // The first column of a key/value table is the name, even when it looks numeric.
                b.append(number && !(headers == null && i == 0) ? "<td class=\"num\">" : "<td>")
                        .append(escape(Numbers.format(v))).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n");
        return b.toString();
    }

    private static String mimeType(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (n.endsWith(".gif")) {
            return "image/gif";
        }
        if (n.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (n.endsWith(".webp")) {
            return "image/webp";
        }
        return "image/png";
    }

    /** Percent-encodes a file name for a relative link; unreserved URL characters stay as they are. */
    private static String urlPath(String name) {
        StringBuilder b = new StringBuilder();
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return b.toString();
    }

    @FunctionalInterface
    private interface Block {
        void render(StringBuilder out, ImageFiles images) throws IOException;
    }

    /** Places the images of one page beside it, giving two different images with the same name different names. */
    private static final class ImageFiles {
        private final Path dir;
        private final Map<String, Path> used = new HashMap<>();

        ImageFiles(Path dir) {
            this.dir = dir;
        }

        String keepBeside(Path src, byte[] bytes) throws IOException {
            String name = src.getFileName().toString();
            for (int k = 2; used.containsKey(name) && !used.get(name).equals(src); k++) {
                name = suffixed(src.getFileName().toString(), k);
            }
            used.put(name, src);
            Path target = dir.resolve(name);
            if (!(Files.exists(target) && Files.isSameFile(src, target))) {
                AtomicFiles.write(target, bytes);
            }
            return name;
        }

        private static String suffixed(String name, int k) {
            int dot = name.lastIndexOf('.');
            return dot <= 0 ? name + "-" + k : name.substring(0, dot) + "-" + k + name.substring(dot);
        }
    }
}
