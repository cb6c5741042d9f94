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
 * (open_clip's defaults {@code filepath} and {@code title}), optionally a label column (integer
 * class indices) for evaluation sets, where the caption column may then be absent. Relative
 * paths resolve against the manifest's folder.
 */
public final class CsvDataset implements IndexedDataset {
    private final List<Path> images = new ArrayList<>();
    private final List<String> captions = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();

    private CsvDataset() {
    }

    /**
     * Reads a manifest.
     *
     * @param captionKey the caption column, or null for none (captions are then null)
     * @param labelKey   the class-index column, or null for none (labels are then -1)
     */
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
                d.captions.add(captionKey == null ? null : rec.get(captionKey));
                d.labels.add(labelKey == null ? -1 : parseLabel(manifest, rec, labelKey));
            }
        }
        return d;
    }

    private static int parseLabel(Path manifest, CSVRecord rec, String key) throws IOException {
        String v = rec.get(key).strip();
        try {
            int l = Integer.parseInt(v);
            if (l < 0) {
                throw new NumberFormatException();
            }
            return l;
        } catch (NumberFormatException e) {
            throw new IOException(manifest + " line " + rec.getRecordNumber() + ": label '" + v
                    + "' in column '" + key + "' is not a class index (0, 1, ...)");
        }
    }

    /** The image file of row {@code i} (without reading it). */
    public Path imageFile(int i) {
        return images.get(i);
    }

    /** The caption of row {@code i}, or null without a caption column. */
    public String caption(int i) {
        return captions.get(i);
    }

    /** The class index of row {@code i}, or -1 without a label column. */
    public int label(int i) {
        return labels.get(i);
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
    public String describe(int i) {
        return images.get(i).toString();
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }
}
