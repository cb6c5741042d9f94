package dev.jclip.experiments.zst;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tab-separated files as Python's {@code csv} module writes and reads them with
 * {@code delimiter="\t", lineterminator="\n"}: a field holding a tab, a double quote or a newline
 * is quoted, quotes doubled; a row of one empty field is written {@code ""}. jclip's
 * {@code CsvDataset} (commons-csv, default quoting) reads them back alike, so captions with quotes survive.
 */
final class Tsv {
    private Tsv() {
    }

    /** Writes the rows, each field quoted only where needed. */
    static void write(Path path, List<List<String>> rows) throws IOException {
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            if (row.size() == 1 && row.get(0).isEmpty()) {
                out.append("\"\"\n");
                continue;
            }
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    out.append('\t');
                }
                String f = row.get(i);
                if (f.indexOf('\t') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0) {
                    out.append('"').append(f.replace("\"", "\"\"")).append('"');
                } else {
                    out.append(f);
                }
            }
            out.append('\n');
        }
        Files.writeString(path, out, StandardCharsets.UTF_8);
    }

    /** Reads every row, the header included (a file opened in Python's universal-newline mode). */
    static List<List<String>> read(Path path) throws IOException {
        String text = Files.readString(path, StandardCharsets.UTF_8).replace("\r\n", "\n").replace('\r', '\n');
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        boolean fieldStarted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && !fieldStarted) {
                inQuotes = true;
                quoted = true;
                fieldStarted = true;
            } else if (c == '\t') {
                row.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
                quoted = false;
            } else if (c == '\n') {
                if (fieldStarted || quoted || !row.isEmpty() || field.length() > 0) {
                    row.add(field.toString());
                }
                // a blank line is an empty row, as Python yields it
                rows.add(row);
                row = new ArrayList<>();
                field.setLength(0);
                fieldStarted = false;
                quoted = false;
            } else {
                field.append(c);
                fieldStarted = true;
            }
        }
        if (fieldStarted || !row.isEmpty() || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
