package dev.jclip.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-format idx files (images: magic 2051, N, rows, cols, pixels; labels: magic 2049, N,
 * labels), plain or gzip-compressed, held in memory. Samples are 8-bit grayscale with a label.
 */
public final class IdxDataset implements IndexedDataset {
    private final byte[] images;
    private final byte[] labels;
    private final int n, rows, cols;
    private final List<String> classNames;
    private final String name;

    private IdxDataset(String name, byte[] images, byte[] labels, int n, int rows, int cols, List<String> classNames) {
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.n = n;
        this.rows = rows;
        this.cols = cols;
        this.classNames = List.copyOf(classNames);
    }

    public static IdxDataset open(Path imageFile, Path labelFile, List<String> classNames) throws IOException {
        byte[] img = read(imageFile), lab = read(labelFile);
        if (img.length < 16 || be(img, 0) != 2051) {
            throw new IOException(imageFile + ": not an idx3 image file (magic " + (img.length >= 4 ? be(img, 0) : -1) + ", expected 2051)");
        }
        if (lab.length < 8 || be(lab, 0) != 2049) {
            throw new IOException(labelFile + ": not an idx1 label file (magic " + (lab.length >= 4 ? be(lab, 0) : -1) + ", expected 2049)");
        }
        int n = be(img, 4), rows = be(img, 8), cols = be(img, 12);
        if (n < 0 || rows <= 0 || cols <= 0 || img.length != 16L + (long) n * rows * cols) {
            throw new IOException(imageFile + ": header says " + n + " images of " + rows + "x" + cols
                    + " but the file has " + (img.length - 16) + " pixel bytes");
        }
        if (be(lab, 4) != n || lab.length != 8 + n) {
            throw new IOException(labelFile + ": " + be(lab, 4) + " labels for " + n + " images");
        }
        return new IdxDataset(imageFile.getFileName().toString(), img, lab, n, rows, cols, classNames);
    }

    /** The "train" or "test" split of a folder with the standard file names (.gz or not). */
    public static IdxDataset openDir(Path dir, String split, List<String> classNames) throws IOException {
        String prefix = switch (split) {
            case "train" -> "train";
            case "test", "t10k" -> "t10k";
            default -> throw new IllegalArgumentException("split must be train or test, not " + split);
        };
        return open(find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"), classNames);
    }

    private static Path find(Path dir, String base) throws IOException {
        for (String ext : new String[]{"", ".gz"}) {
            Path p = dir.resolve(base + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("no " + base + "[.gz] in " + dir);
    }

    private static byte[] read(Path f) throws IOException {
        byte[] raw = Files.readAllBytes(f);
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        return raw;
    }

    private static int be(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    @Override
    public int size() {
        return n;
    }

    public int label(int i) {
        return labels[8 + i] & 0xff;
    }

    @Override
    public Sample get(int i) {
        byte[] px = new byte[rows * cols];
        System.arraycopy(images, 16 + i * rows * cols, px, 0, px.length);
        return new Sample(name + "#" + i, new ImageData.Gray8(cols, rows, px, name + "#" + i), null, label(i));
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }
}
