package dev.jclip.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** A class-per-folder tree ({@code root/<class>/<image>}); classes are the sorted folder names unless given. */
public final class ImageFolderDataset implements IndexedDataset {
    private final List<Path> files = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final List<String> classNames;

    public ImageFolderDataset(Path root, List<String> classNamesOrNull) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("not a folder: " + root);
        }
        List<String> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (folders.isEmpty()) {
            throw new IOException(root + " has no class folders");
        }
        this.classNames = classNamesOrNull != null ? List.copyOf(classNamesOrNull) : folders;
        for (int c = 0; c < folders.size(); c++) {
            String folder = folders.get(c);
            int label = classNamesOrNull == null ? c : classNames.indexOf(folder);
            if (label < 0) {
                throw new IOException("folder '" + folder + "' is not among the class names " + classNames);
            }
            try (Stream<Path> s = Files.list(root.resolve(folder))) {
                for (Path f : s.filter(ImageFolderDataset::isImage).sorted().toList()) {
                    files.add(f);
                    labels.add(label);
                }
            }
        }
    }

    static boolean isImage(Path p) {
        // a dangling link is listed, so that reading it fails and it is counted as skipped, not silently dropped
        return (Files.isRegularFile(p) || Files.isSymbolicLink(p)) && p.getFileName().toString().toLowerCase(Locale.ROOT)
                .matches(".*\\.(jpg|jpeg|png|webp|gif|bmp)");
    }

    @Override
    public int size() {
        return files.size();
    }

    public int label(int i) {
        return labels.get(i);
    }

    public Path file(int i) {
        return files.get(i);
    }

    @Override
    public Sample get(int i) throws IOException {
        Path f = files.get(i);
        return new Sample(f.toString(), new ImageData.Encoded(Files.readAllBytes(f), f.toString()), null, labels.get(i));
    }

    @Override
    public String describe(int i) {
        return files.get(i).toString();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }
}
