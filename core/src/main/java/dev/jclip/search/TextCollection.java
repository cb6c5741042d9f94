package dev.jclip.search;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A collection of texts indexed as entries of their own: a text file with one text per line
 * (blank lines skipped), or one column of a CSV with a header.
 *
 * @param file  the collection file (absolute)
 * @param texts the texts, in file order
 * @param lines the 1-based line (or CSV record) number of each text, which keys its entry
 */
public record TextCollection(Path file, List<String> texts, List<Integer> lines) {
    /** Reads {@code file}; {@code column} names the CSV column (ignored for other files). */
    public static TextCollection read(Path file, String column) throws IOException {
        Path f = file.toAbsolutePath().normalize();
        List<String> texts = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        try {
            if (f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                CSVFormat fmt = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
                try (Reader r = Files.newBufferedReader(f); CSVParser p = fmt.parse(r)) {
                    if (!p.getHeaderNames().contains(column)) {
                        throw new IOException("no column '" + column + "' (its columns are " + p.getHeaderNames() + "; choose one with --text-column)");
                    }
                    for (CSVRecord rec : p) {
                        String t = rec.get(column).strip();
                        if (!t.isEmpty()) {
                            texts.add(t);
                            lines.add((int) rec.getRecordNumber());
                        }
                    }
                }
            } else {
                List<String> all = Files.readAllLines(f);
                for (int i = 0; i < all.size(); i++) {
                    if (!all.get(i).isBlank()) {
                        texts.add(all.get(i).strip());
                        lines.add(i + 1);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            throw new IOException("cannot read text collection " + file + ": " + why, e);
        }
        return new TextCollection(f, List.copyOf(texts), List.copyOf(lines));
    }
}
