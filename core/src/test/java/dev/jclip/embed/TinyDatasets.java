package dev.jclip.embed;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Small generated datasets for embed-dataset tests: PNG images in WebDataset shards or class folders. */
public final class TinyDatasets {
    private TinyDatasets() {
    }

    /** A PNG of {@code w}×{@code h} random colour blocks, the same for the same seed. */
    public static byte[] png(long seed, int w, int h) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int block = (x / 4) * 31 + (y / 4) * 17;
                img.setRGB(x, y, (int) (new SplittableRandom(seed * 1000 + block).nextInt(1 << 24) ^ r.nextInt(8)));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    public static String key(int shard, int i) {
        return String.format("s%02d_%04d", shard, i);
    }

    public static String caption(int shard, int i) {
        return "a picture numbered " + i + " of shard " + shard;
    }

    /** Image width of sample i of a shard (sizes vary, so metadata is checked). */
    public static int width(int shard, int i) {
        return 20 + (i % 3) * 6;
    }

    public static int height(int shard, int i) {
        return 16 + shard * 2;
    }

    /**
     * A gzip-compressed shard of {@code n} samples ({@code .png}, {@code .txt}, {@code .cls}); the
     * samples in {@code corrupt} get bytes that are no image.
     */
    public static Path shard(Path dir, int shard, int n, int... corrupt) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(String.format("shard-%06d.tar.gz", shard));
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(f));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            for (int i = 0; i < n; i++) {
                int fi = i;
                byte[] image = Arrays.stream(corrupt).anyMatch(c -> c == fi)
                        ? "not an image at all".getBytes(StandardCharsets.US_ASCII)
                        : png(shard * 1000L + i, width(shard, i), height(shard, i));
                put(tar, key(shard, i) + ".png", image);
                put(tar, key(shard, i) + ".txt", caption(shard, i).getBytes(StandardCharsets.UTF_8));
                put(tar, key(shard, i) + ".cls", Integer.toString(i % 3).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return f;
    }

    /** Cuts a shard file to half its length: a download that broke off. */
    public static void truncate(Path shard) throws IOException {
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, Arrays.copyOf(b, b.length / 2));
    }

    /** Class folders {@code root/<class>/NNN.png}. */
    public static Path folders(Path root, int classes, int perClass) throws IOException {
        for (int c = 0; c < classes; c++) {
            Path d = Files.createDirectories(root.resolve("class" + c));
            for (int i = 0; i < perClass; i++) {
                Files.write(d.resolve(String.format("%03d.png", i)), png(c * 100L + i, 18 + i, 22));
            }
        }
        return root;
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
