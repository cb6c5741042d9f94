package dev.jclip.data;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV or TSV manifests with a header: an image-path column and a caption column chosen by name
 * (open_clip's defaults {@code filepath} and {@code title}), optionally a label column. Relative
 * paths resolve against the manifest's folder.
 */
public final class CsvDataset implements IndexedDataset {
    private final List<Path> images = new ArrayList<>();
    private final List<String> captions = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();

    private CsvDataset() {
    }

    public static CsvDataset open(Path manifest, char separator, String imageKey, String captionKey, String labelKey)
            throws IOException {
        CsvDataset d = new CsvDataset();
        Path base = manifest.toAbsolutePath().getParent();
        CSVFormat fmt = CSVFormat.DEFAULT.builder().setDelimiter(separator).setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).build();
        try (Reader r = Files.newBufferedReader(manifest); CSVParser p = fmt.parse(r)) {
            List<String> header = p.getHeaderNames();
            for (String k : new String[]{imageKey, captionKey, labelKey}) {
                if (k != null && !header.contains(k)) {
                    throw new IOException(manifest + " has no column '" + k + "'; its columns are " + header);
                }
            }
            for (CSVRecord rec : p) {
                d.images.add(base.resolve(rec.get(imageKey)));
                d.captions.add(rec.get(captionKey));
                d.labels.add(labelKey == null ? -1 : Integer.parseInt(rec.get(labelKey).strip()));
            }
        }
        return d;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public Sample get(int i) throws IOException {
        Path f = images.get(i);
        return new Sample(f.toString(), new ImageData.Encoded(Files.readAllBytes(f), f.toString()), captions.get(i), labels.get(i));
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }
}
