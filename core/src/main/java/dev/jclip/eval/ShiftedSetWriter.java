package dev.jclip.eval;

import dev.jclip.data.ImageTransforms;
import dev.jclip.data.Sample;
import dev.jclip.data.Seeds;
import dev.jclip.data.SkipLog;
import dev.jclip.image.ClipPreprocessor;
import dev.jclip.report.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Writes a shifted copy of a labelled set as a class-per-folder tree of PNG files, so a synthetic
 * shift can be inspected, shared, or fed back as a natural {@code --shifted} set. Images are
 * resized and center-cropped to {@code size} (as the model sees them) before the shift; PNG keeps
 * the shifted pixels exact. The noise of each image is seeded from the seed and the image's
 * position, exactly as on-the-fly shifting does, so both give the same pixels.
 */
public final class ShiftedSetWriter {
    private static final Logger LOG = Logger.getLogger(ShiftedSetWriter.class.getName());

    private ShiftedSetWriter() {
    }

    /**
     * Writes {@code out/<class>/<position>.png} for each sample and {@code out/classes.txt}
     * (the class names in label order).
     *
     * @return the number of images written
     */
    public static int write(LabelledSet set, ImageShift shift, int size, long seed, Path out) throws IOException {
        return write(set, shift, size, seed, out, new SkipLog());
    }

    /** As {@link #write(LabelledSet, ImageShift, int, long, Path)}, listing what was left out in {@code skipped}. */
    public static int write(LabelledSet set, ImageShift shift, int size, long seed, Path out, SkipLog skipped) throws IOException {
        int before = set.readFailures().size();
        ClipPreprocessor pre = ClipPreprocessor.of(size);
        Files.createDirectories(out);
        int position = 0, written = 0;
        int width = Math.max(5, Integer.toString(Math.max(1, set.expectedSize())).length());
        for (Iterator<Sample> it = set.samples(); it.hasNext(); position++) {
            Sample s = it.next();
            byte[] rgb;
            try {
                rgb = pre.toRgbU8(ImageTransforms.decode(s.image()));
            } catch (Exception e) {
                skipped.add(s.image() != null ? s.image().name() : s.key(),
                        e instanceof dev.jclip.image.ImageDecodeException d ? d.reason() : e.toString());
                LOG.warning("skipping " + s.key() + ": " + e.getMessage());
                continue;
            }
            // Same per-image seed as FeatureStore, so the written set equals the on-the-fly one.
            shift.apply(rgb, size, Seeds.mix(seed, position, 0x5417));
            String folder = folderName(set.classNames(), s.label());
            Path file = out.resolve(folder).resolve(String.format(Locale.ROOT, "%0" + width + "d.png", position));
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, png(rgb, size));
            written++;
        }
        skipped.addAll(set.readFailures().subList(before, set.readFailures().size()));
        if (!set.classNames().isEmpty()) {
            AtomicFiles.write(out.resolve("classes.txt"),
                    (String.join("\n", set.classNames()) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return written;
    }

    /** The class name as a folder name (path separators replaced), or the label number without names. */
    static String folderName(List<String> names, int label) {
        String n = label >= 0 && label < names.size() ? names.get(label) : Integer.toString(label);
        return n.replace('/', '_').replace('\\', '_');
    }

    private static byte[] png(byte[] chw, int size) throws IOException {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            int r = chw[i] & 0xff, g = chw[plane + i] & 0xff, b = chw[2 * plane + i] & 0xff;
            img.setRGB(i % size, i / size, (r << 16) | (g << 8) | b);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        return bytes.toByteArray();
    }
}
