package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.bench.Benchmark;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ModelPresets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code clip bench}: the Java side of the side-by-side benchmark against bench_torch.py. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time encode_image, encode_text, a training step or preprocessing (random weights), or the matmul ceiling; "
                + "prints one JSON line with the fields of bench_torch.py.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "ViT-B/32", description = "Preset name (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--config", description = "Model configuration as JSON text or a JSON file (instead of a preset).")
    String config;

    @Option(names = "--task", defaultValue = "image", description = "image, text, train, preprocess, search, or gemm (the machine's fp32/bf16/int8 matmul ceiling).")
    String task;

    @Option(names = "--batch", defaultValue = "16")
    int batch;

    @Option(names = "--prompt-len", defaultValue = "12", description = "Tokens per prompt incl. start/end (text, train).")
    int promptLen;

    @Option(names = "--threads", defaultValue = "2")
    int threads;
    @Option(names = "--save-model", paramLabel = "FILE", description = "Write the randomly initialized model the image/text "
            + "benchmarks time (seed 0) to FILE and exit, so that other commands (index, embed-dataset) can run the same model.")
    Path saveModel;
    @Option(names = "--build-threads", defaultValue = "1", description = "Task search: threads inserting into the HNSW graph "
            + "(more than 1: one segment per thread, all in memory until the commit) (default: ${DEFAULT-VALUE}).")
    int buildThreads;

    @Option(names = "--iters", defaultValue = "5")
    int iters;

    @Option(names = "--warmup", defaultValue = "2")
    int warmup;

    @Option(names = "--grad-checkpointing", description = "Task train: recompute blocks in backward.")
    boolean gradCheckpointing;

    @Option(names = "--accum-freq", defaultValue = "1", description = "Task train: micro-batches per step.")
    int accum;

    /** Tasks image/text: the inference precision; task train: the training precision (bf16 is autocast). */
    @picocli.CommandLine.Mixin
    PrecisionOption precision;

    @Option(names = "--int8", description = "Same as --precision int8 (tasks image/text).")
    boolean int8;

    @Option(names = "--images", description = "Folder of images (task preprocess).")
    Path images;

    @Option(names = "--size", defaultValue = "224", description = "Preprocessing size (task preprocess).")
    int size;

    @Option(names = "--sizes", split = ",", defaultValue = "10000,100000",
            description = "Task search: index sizes (default: ${DEFAULT-VALUE}; up to 1000000).")
    java.util.List<Integer> sizes;

    @Option(names = "--dim", description = "Task search: vector width (default: the model's embedding width).")
    Integer dim;

    @Option(names = "--queries", defaultValue = "200", description = "Task search: HNSW queries timed (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--exact-queries", defaultValue = "50", description = "Task search: exact queries (recall truth) (default: ${DEFAULT-VALUE}).")
    int exactQueries;

    @Option(names = "--candidates", split = ",", defaultValue = "" + dev.jclip.search.ImageIndex.DEFAULT_CANDIDATES,
            description = "Task search: HNSW search beam, or several (comma-separated) measured on one build (default: ${DEFAULT-VALUE}).")
    int[] candidates;

    @Option(names = "--quantize", defaultValue = "none", description = "Task search: none, int7 or int4.")
    String quantize;

    @Option(names = "--distribution", defaultValue = "clustered", description = "Task search: clustered, uniform or both.")
    String distribution;

    @Override
    public Integer call() throws Exception {
        if (task.equals("gemm")) {
            System.out.println(dev.jclip.runtime.GemmCeilings.run(threads, Math.max(iters, 5)));
            return 0;
        }
        if (task.equals("search")) {
            int d = dim != null ? dim : ModelPresets.get(model).embedDim();
            java.util.List<Boolean> kinds = switch (distribution) {
                case "clustered" -> java.util.List.of(true);
                case "uniform" -> java.util.List.of(false);
                case "both" -> java.util.List.of(true, false);
                default -> throw new IllegalArgumentException("--distribution clustered, uniform or both");
            };
            Path work = Path.of(System.getProperty("java.io.tmpdir"));
            for (boolean clustered : kinds) {
                for (int n : sizes) {
                    var spec = new dev.jclip.search.SearchBench.Spec(n, d, queries, exactQueries, 10, candidates[0],
                            dev.jclip.search.Quantization.parse(quantize), clustered, 42, buildThreads);
                    for (var r : dev.jclip.search.SearchBench.run(spec, candidates, work, System.err::println)) {
                        System.out.println(r.json());
                    }
                }
            }
            return 0;
        }
        if (task.equals("preprocess")) {
            if (images == null) {
                throw new IllegalArgumentException("--task preprocess needs --images DIR");
            }
            System.out.println(PreprocessBench.run(images, size, threads, iters, warmup));
            return 0;
        }
        ClipConfig c;
        String name;
        if (config != null) {
            String text = Files.isRegularFile(Path.of(config)) ? Files.readString(Path.of(config)) : config;
            c = ClipConfig.fromJson(new ObjectMapper().readTree(text));
            name = "custom";
        } else {
            c = ModelPresets.get(model);
            name = ModelPresets.canonicalName(model).orElse(model);
        }
        if (saveModel != null) {
            org.bytedeco.pytorch.global.torch.manual_seed(0); // as Benchmark does before building its model
            try (dev.jclip.model.ClipModel m = new dev.jclip.model.ClipModel(c)) {
                dev.jclip.model.ModelFiles.save(m, saveModel);
            }
            System.out.println("wrote " + name + " (random weights, seed 0) to " + saveModel);
            return 0;
        }
        // before anything asks the Machine (auto resolves through it): its probe times kernels on these threads
        dev.jclip.runtime.ComputeThreads.set(threads);
        boolean training = task.equals("train");
        dev.jclip.runtime.Precision inference = training ? dev.jclip.runtime.Precision.FP32
                : int8 ? dev.jclip.runtime.Precision.INT8 : precision.or(dev.jclip.runtime.Precision.FP32);
        dev.jclip.runtime.Precision trainPrecision = training ? precision.or(dev.jclip.runtime.Precision.FP32)
                : dev.jclip.runtime.Precision.FP32;
        System.out.println(Benchmark.run(new Benchmark.Spec(name, c, task, batch, promptLen, threads, iters, warmup,
                new dev.jclip.train.StepRunner.Options(accum, gradCheckpointing, trainPrecision), inference)));
        return 0;
    }
}
