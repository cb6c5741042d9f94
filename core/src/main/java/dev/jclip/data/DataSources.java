package dev.jclip.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Opens datasets by type ({@code auto, idx, folder, webdataset, csv, tsv, coco}) for training and evaluation. */
public final class DataSources {
    /**
     * Where and how to read a dataset.
     *
     * @param path        file, folder, shard pattern(s) or idx folder
     * @param type        the dataset type, or auto
     * @param split       idx split (train/test)
     * @param classNames  class names (bundled name or file), or null for folder names / none
     * @param csvImageKey image-path column of CSV/TSV manifests
     * @param csvCaptionKey caption column of CSV/TSV manifests
     * @param cocoImages  image folder of a COCO captions file (default: beside the json, named like it)
     * @param knownSize   samples per epoch of streamed shards, if known (else -1)
     */
    public record Spec(String path, String type, String split, String classNames, String csvImageKey,
                       String csvCaptionKey, Path cocoImages, long knownSize) {
        public static Spec of(String path, String type) {
            return new Spec(path, type, "train", null, "filepath", "title", null, -1);
        }

        public Spec withSplit(String s) {
            return new Spec(path, type, s, classNames, csvImageKey, csvCaptionKey, cocoImages, knownSize);
        }

        public Spec withClassNames(String c) {
            return new Spec(path, type, split, c, csvImageKey, csvCaptionKey, cocoImages, knownSize);
        }
    }

    private DataSources() {
    }

    /** The dataset type of a path when "auto". */
    public static String detect(Spec s) {
        String t = s.type() == null ? "auto" : s.type().toLowerCase(Locale.ROOT);
        if (!t.equals("auto")) {
            return t;
        }
        String p = s.path();
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.contains(".tar") || lower.endsWith(".tgz") || p.contains("{")) {
            return "webdataset";
        }
        if (lower.endsWith(".csv")) {
            return "csv";
        }
        if (lower.endsWith(".tsv")) {
            return "tsv";
        }
        if (lower.endsWith(".json")) {
            return "coco";
        }
        Path dir = Path.of(p);
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().contains("idx3-ubyte"))) {
                    return "idx";
                }
            } catch (IOException e) {
                // fall through to folder
            }
            return "folder";
        }
        throw new IllegalArgumentException("cannot tell the dataset type of '" + p
                + "'; pass --dataset-type (idx, folder, webdataset, csv, tsv, coco)");
    }

    static List<String> classNames(Spec s) throws IOException {
        return s.classNames() == null ? null : ClassNames.load(s.classNames());
    }

    /** A random-access dataset (everything but WebDataset shards). */
    public static IndexedDataset indexed(Spec s) throws IOException {
        String type = detect(s);
        List<String> names = classNames(s);
        return switch (type) {
            case "idx" -> IdxDataset.openDir(Path.of(s.path()), s.split(), names != null ? names : List.of());
            case "folder" -> new ImageFolderDataset(Path.of(s.path()), names);
            case "csv", "tsv" -> CsvDataset.open(Path.of(s.path()), type.equals("tsv") ? '\t' : ',',
                    s.csvImageKey(), s.csvCaptionKey(), null);
            case "coco" -> CocoCaptionsDataset.open(Path.of(s.path()), s.cocoImages());
            default -> throw new IllegalArgumentException("a " + type + " dataset is not random-access");
        };
    }

    /** A training source for one rank: shuffled per epoch, sharded across ranks. */
    public static SampleSource source(Spec s, long seed, int rank, int world, int shuffleBuffer) throws IOException {
        String type = detect(s);
        if (type.equals("webdataset")) {
            List<String> names = classNames(s);
            long per = s.knownSize() > 0 ? s.knownSize() / world : -1;
            return new WebDataset(WebDataset.shardsOf(s.path()), seed, rank, world, shuffleBuffer,
                    names != null ? names : List.of(), per);
        }
        return new ShuffledSource(indexed(s), seed, true, rank, world);
    }
}
