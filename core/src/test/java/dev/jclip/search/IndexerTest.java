package dev.jclip.search;

import dev.jclip.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The indexer's incremental logic and bad-file handling, with a stand-in encoder (no model). */
class IndexerTest {
    static final int DIM = 8;
    static final IndexSettings S = new IndexSettings("fake", "a".repeat(64), "fp32", DIM, Quantization.NONE);

    /** A deterministic "embedding": pixel values at fixed positions. Counts images encoded. */
    static final class FakeEncoder implements ImageEncoder {
        final AtomicInteger encoded = new AtomicInteger();

        public int resolution() {
            return 16;
        }

        public float[][] encode(HostTensor pixels) {
            float[] px = pixels.toFloatArray();
            int n = (int) pixels.shape()[0], per = px.length / n;
            float[][] out = new float[n][DIM];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < DIM; d++) {
                    out[i][d] = px[i * per + d * (per / DIM)] + 3f;
                }
            }
            encoded.addAndGet(n);
            return out;
        }
    }

    static void png(Path f, Color c, int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w / 3, h / 2);
        g.dispose();
        ImageIO.write(img, "png", f.toFile());
    }

    /** A valid PNG header claiming 60000 x 60000 pixels, with a tiny (invalid) body. */
    static byte[] bombPng() throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        var ihdr = java.nio.ByteBuffer.allocate(13).putInt(60000).putInt(60000).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array();
        chunk(out, "IHDR", ihdr);
        var z = new java.io.ByteArrayOutputStream();
        try (var d = new DeflaterOutputStream(z, new Deflater())) {
            d.write(new byte[1000]);
        }
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws Exception {
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void secondRunEmbedsNothingChangedFilesAreReembeddedVanishedOnesRemoved(@TempDir Path tmp) throws Exception {
        Path imgs = Files.createDirectories(tmp.resolve("imgs/sub"));
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW, Color.CYAN, Color.MAGENTA, Color.ORANGE, Color.PINK, Color.GRAY};
        for (int i = 0; i < colors.length; i++) {
            png(imgs.resolve("c" + i + ".png"), colors[i], 40 + i, 30);
        }
        Files.write(imgs.resolve("empty.jpg"), new byte[0]);
        Files.writeString(imgs.resolve("text.png"), "not an image");
        Files.write(imgs.resolve("bomb.png"), bombPng());
        Files.writeString(imgs.resolve("notes.txt"), "ignored: not an image name");
        Path root = tmp.resolve("imgs"), dir = tmp.resolve("idx");
        FakeEncoder enc = new FakeEncoder();
        Indexer indexer = new Indexer(enc).batchSize(4).commitEvery(4).threads(2);

        IndexReport r1;
        try (ImageIndex idx = ImageIndex.openForWriting(dir, S)) {
            r1 = indexer.run(idx, List.of(root));
            assertEquals(9, idx.size());
        }
        assertEquals(12, r1.scanned());
        assertEquals(9, r1.added());
        assertEquals(3, r1.bad().size(), "bad: " + r1.bad());
        assertTrue(r1.bad().stream().anyMatch(b -> b.path().endsWith("bomb.png") && b.reason().contains("decompression bomb")), r1.bad().toString());
        assertTrue(r1.bad().stream().anyMatch(b -> b.path().endsWith("empty.jpg") && b.reason().contains("empty")), r1.bad().toString());
        assertTrue(r1.commits() >= 3, "commits every 4 images: " + r1.commits());
        assertEquals(9, enc.encoded.get());

        IndexReport r2;
        try (ImageIndex idx = ImageIndex.openForWriting(dir, S)) {
            r2 = indexer.run(idx, List.of(root));
        }
        assertEquals(0, r2.embedded());
        assertEquals(12, r2.unchanged());
        assertEquals(3, r2.knownBad());
        assertEquals(0, r2.bad().size(), "unchanged bad files are not retried");
        assertEquals(9, enc.encoded.get(), "nothing encoded on the second run");

        png(imgs.resolve("c0.png"), Color.BLACK, 41, 31);
        Files.setLastModifiedTime(imgs.resolve("c0.png"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Files.delete(imgs.resolve("c1.png"));
        Files.delete(imgs.resolve("empty.jpg"));
        png(imgs.resolve("new.png"), Color.WHITE, 20, 20);
        IndexReport r3;
        try (ImageIndex idx = ImageIndex.openForWriting(dir, S)) {
            r3 = indexer.run(idx, List.of(root));
            assertEquals(9, idx.size());
            IndexEntry c0 = idx.entries().get(imgs.resolve("c0.png").toString());
            assertEquals(41, c0.width());
            assertEquals(31, c0.height());
        }
        assertEquals(1, r3.added());
        assertEquals(1, r3.updated());
        assertEquals(2, r3.removed());
        assertEquals(11, enc.encoded.get());
    }

    @Test
    void searchFindsTheIndexedImageByItsOwnVector(@TempDir Path tmp) throws Exception {
        Path imgs = Files.createDirectories(tmp.resolve("imgs"));
        png(imgs.resolve("red.png"), Color.RED, 32, 32);
        png(imgs.resolve("blue.png"), Color.BLUE, 32, 32);
        try (ImageIndex idx = ImageIndex.openForWriting(tmp.resolve("idx"), S)) {
            new Indexer(new FakeEncoder()).run(idx, List.of(imgs));
            IndexEntry red = idx.entries().get(imgs.resolve("red.png").toString());
            float[] v = idx.vector(red.id()).orElseThrow();
            assertEquals(red.path(), idx.search(v, 1, false, -2, 10).get(0).entry().path());
        }
    }
}
