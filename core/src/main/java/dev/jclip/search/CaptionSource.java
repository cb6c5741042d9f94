package dev.jclip.search;

import dev.jclip.data.CocoCaptionsDataset;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the captions of indexed images come from: a sidecar {@code <image-name>.txt} beside each
 * image (the Tux Paint stamps' layout), a CSV of {@code path,caption} rows, or a COCO captions
 * file. An image may have several captions; an image without any gets none.
 */
public interface CaptionSource {
    /**
     * The captions of {@code image} (an absolute, normalized path), empty when it has none.
     *
     * @throws IOException when the image's caption file exists but cannot be read
     */
    List<String> captionsFor(Path image) throws IOException;

    /**
     * {@code sidecar}, a {@code .csv} file or a COCO {@code .json} file. A file is read here, at
     * once, so an unreadable one stops the run before anything is written.
     */
    static CaptionSource open(String spec) throws IOException {
        if (spec.equalsIgnoreCase("sidecar")) {
            return sidecar();
        }
        Path file = Path.of(spec);
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!n.endsWith(".csv") && !n.endsWith(".json")) {
            throw new IllegalArgumentException("captions '" + spec + "': give sidecar, a .csv file (path,caption) or a COCO captions .json");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException("cannot read captions file " + spec + ": " + (Files.exists(file) ? "permission denied" : "no such file"));
        }
        try {
            return n.endsWith(".csv") ? csv(file) : coco(file);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read captions file " + spec + ": " + e.getMessage(), e);
        }
    }

    /** Lines of Tux Paint's translations ({@code de.utf8=...}), which are not the caption. */
    Pattern TRANSLATION = Pattern.compile("^\\s*[A-Za-z]{2,3}(_[A-Za-z]{2})?(@[A-Za-z]+)?(\\.[A-Za-z0-9-]+)?\\s*=.*");

    /** {@code photo.jpg} → {@code photo.txt} beside it; each non-blank line that is not a translation is a caption. */
    static CaptionSource sidecar() {
        return image -> {
            String name = image.getFileName().toString();
            int dot = name.lastIndexOf('.');
            Path txt = image.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".txt");
            if (!Files.exists(txt)) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(txt)) {
                    if (!line.isBlank() && !TRANSLATION.matcher(line).matches()) {
                        out.add(line.strip());
                    }
                }
            } catch (IOException e) {
                throw new IOException("cannot read caption file " + txt + ": " + reason(e), e);
            }
            return out;
        };
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * A CSV with a path and a caption per row (one row per caption). A header naming the columns
     * ({@code path}/{@code image}/{@code file} and {@code caption}/{@code text}) is optional; without
     * one the first two columns are taken. Relative paths are relative to the CSV's folder.
     */
    static CaptionSource csv(Path file) throws IOException {
        Map<Path, List<String>> byPath = new HashMap<>();
        Path base = file.toAbsolutePath().getParent();
        try (Reader r = Files.newBufferedReader(file); CSVParser p = CSVFormat.DEFAULT.parse(r)) {
            int pathCol = 0, capCol = 1;
            boolean first = true;
            for (CSVRecord rec : p) {
                if (first) {
                    first = false;
                    List<String> h = rec.toList().stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
                    int pc = indexOfAny(h, "path", "image", "file", "filepath", "image_path");
                    int cc = indexOfAny(h, "caption", "text", "title");
                    if (pc >= 0 && cc >= 0) {
                        pathCol = pc;
                        capCol = cc;
                        continue;
                    }
                }
                if (rec.size() <= Math.max(pathCol, capCol)) {
                    throw new IOException("line " + rec.getRecordNumber() + " has " + rec.size() + " columns, not path,caption");
                }
                String caption = rec.get(capCol).strip();
                if (!caption.isEmpty()) {
                    Path img = base.resolve(rec.get(pathCol).strip()).toAbsolutePath().normalize();
                    byPath.computeIfAbsent(img, k -> new ArrayList<>()).add(caption);
                }
            }
        }
        return image -> byPath.getOrDefault(image, List.of());
    }

    private static int indexOfAny(List<String> header, String... names) {
        for (String n : names) {
            if (header.contains(n)) {
                return header.indexOf(n);
            }
        }
        return -1;
    }

    /** A COCO captions file: images are matched by file name ({@code file_name} is a bare name in COCO). */
    static CaptionSource coco(Path json) throws IOException {
        CocoCaptionsDataset d = CocoCaptionsDataset.open(json, json.toAbsolutePath().getParent());
        Map<String, List<String>> byName = new HashMap<>();
        List<Path> files = d.imageFiles();
        List<List<String>> caps = d.captionsPerImage();
        for (int i = 0; i < files.size(); i++) {
            byName.computeIfAbsent(files.get(i).getFileName().toString(), k -> new ArrayList<>()).addAll(caps.get(i));
        }
        return image -> byName.getOrDefault(image.getFileName().toString(), List.of());
    }
}
