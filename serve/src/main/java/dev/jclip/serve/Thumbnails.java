package dev.jclip.serve;

import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.DecodedImage;
import dev.jclip.image.ImageDecoder;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JPEG thumbnails of indexed images, made with jclip's own decoder and PIL-exact resize (the
 * shorter side scaled to {@code size}, centre-cropped square, as the grid shows them) and kept in
 * a small LRU cache keyed by id, size and modification time.
 */
final class Thumbnails {
    private final ClipPreprocessor square;
    private final Map<String, byte[]> cache;

    Thumbnails(int size, int entries) {
        this.square = ClipPreprocessor.of(size);
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> e) {
                return size() > entries;
            }
        };
    }

    byte[] jpeg(long id, Path file, long mtime) throws IOException {
        String key = id + "@" + mtime;
        synchronized (cache) {
            byte[] hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        DecodedImage img = ImageDecoder.decode(file);
        byte[] chw = square.toRgbU8(img);
        int n = square.size(), plane = n * n;
        BufferedImage bi = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < plane; i++) {
            int r = chw[i] & 0xff, g = chw[plane + i] & 0xff, b = chw[2 * plane + i] & 0xff;
            bi.setRGB(i % n, i / n, (r << 16) | (g << 8) | b);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.85f);
            w.write(null, new IIOImage(bi, null, null), p);
        } finally {
            w.dispose();
        }
        byte[] bytes = out.toByteArray();
        synchronized (cache) {
            cache.put(key, bytes);
        }
        return bytes;
    }
}
