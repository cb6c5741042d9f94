package dev.jclip.cli;

import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.ImageDecoder;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code clip preprocess}: what the model sees, as uint8 tensors and optionally as pictures. */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = "Resize (bicubic, shorter side), center-crop and convert images to RGB exactly as the "
                + "reference does; write the U8 [3,N,N] tensors (before normalization) keyed by file name.")
final class PreprocessCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<Path> images;

    @Option(names = "--size", defaultValue = "224", description = "Output size N (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--out", required = true, description = "Output .safetensors file.")
    Path out;

    @Option(names = "--png", description = "Also write each preprocessed image as a PNG into this folder.")
    Path pngDir;

    @Option(names = "--threads", defaultValue = "2")
    int threads;

    @Override
    public Integer call() throws Exception {
        ClipPreprocessor pre = ClipPreprocessor.of(size);
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        List<Future<byte[]>> fs = new ArrayList<>();
        for (Path p : images) {
            fs.add(pool.submit(() -> pre.toRgbU8(ImageDecoder.decode(p))));
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        try {
            for (int i = 0; i < images.size(); i++) {
                byte[] chw;
                try {
                    chw = fs.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                }
                String key = images.get(i).getFileName().toString();
                if (tensors.containsKey(key)) {
                    throw new IllegalArgumentException("two images are named " + key + "; keys are file names");
                }
                tensors.put(key, HostTensor.ofBytes(chw, 3, size, size));
                if (pngDir != null) {
                    Files.createDirectories(pngDir);
                    ImageIO.write(toImage(chw, size), "png", pngDir.resolve(stem(key) + ".png").toFile());
                }
                System.out.printf("%s -> [3, %d, %d]%n", images.get(i), size, size);
            }
        } finally {
            pool.shutdownNow();
        }
        SafeTensors.write(out, tensors);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("wrote %d tensors to %s (%.1f images/s)%n", tensors.size(), out, images.size() / s);
        return 0;
    }

    static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    static BufferedImage toImage(byte[] chw, int n) {
        BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
        int plane = n * n;
        for (int i = 0; i < plane; i++) {
            int r = chw[i] & 0xff, g = chw[plane + i] & 0xff, b = chw[2 * plane + i] & 0xff;
            img.setRGB(i % n, i / n, (r << 16) | (g << 8) | b);
        }
        return img;
    }
}
