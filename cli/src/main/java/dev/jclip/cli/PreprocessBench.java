package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.bench.Benchmark;
import dev.jclip.image.ClipPreprocessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Decode + preprocess throughput over a folder, like bench_torch.py --task preprocess. */
final class PreprocessBench {
    private PreprocessBench() {
    }

    static String run(Path dir, int size, int threads, int iters, int warmup) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                    .matches(".*\\.(jpg|jpeg|png|bmp|gif|webp)")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no images in " + dir);
        }
        ClipPreprocessor pre = ClipPreprocessor.of(size);
        // Warm up on at least ~300 images so the JIT has compiled the decoders and resampling loops
        // (measured: a 25-image pass takes 1.6x longer for the first ~10 passes); the baseline's C
        // code needs no warm-up, and its pool start-up is likewise left out of its timing.
        int passes = Math.max(warmup, (int) Math.ceil(300.0 / files.size()));
        for (int i = 0; i < passes; i++) {
            pre.preprocessBatch(files, threads);
        }
        double[] times = new double[Math.max(1, iters)];
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            pre.preprocessBatch(files, threads);
            times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        double med = times[times.length / 2];
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("impl", "jclip");
        o.put("threads", threads);
        o.put("task", "preprocess");
        o.put("size", size);
        o.put("images", files.size());
        o.put("median_s_per_batch", Math.round(med * 1e4) / 1e4);
        o.put("items_per_s", Math.round(files.size() / med * 100) / 100.0);
        o.put("peak_rss_mb", Benchmark.peakRssMb());
        return o.toString();
    }
}
