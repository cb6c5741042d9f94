package dev.jclip.cli;

import dev.jclip.Clip;
import dev.jclip.data.SkipLog;
import dev.jclip.download.ModelCache;
import dev.jclip.eval.FeatureCache;
import dev.jclip.eval.FeatureStore;
import dev.jclip.model.ModelLoader;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Options every {@code clip eval} subcommand shares: the model, output, feature cache and compute settings. */
final class EvalOptions {
    @Mixin
    ModelOption model;

    @Option(names = {"-o", "--output"}, description = "Output folder for results.json, report.html and plots "
            + "(default: runs/eval-<task>).")
    Path output;

    @Option(names = "--cache-dir", description = "Feature cache folder (default: ~/.cache/jclip/features, or "
            + "features/ under -Djclip.cache / $JCLIP_CACHE).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Neither read nor write cached features.")
    boolean noCache;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per model batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--workers", defaultValue = "2", description = "Image decoding threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of splits, k-shot draws and noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars.")
    boolean quiet;

    private String fingerprint;
    private String precisionLabel;
    private Integer skippedCount;

    /** The output folder given, or {@code runs/eval-<task>}. */
    Path output(String task) {
        return output != null ? output : Path.of("runs", "eval-" + task);
    }

    /** Loads the model and opens its feature store. */
    FeatureStore open() throws Exception {
        model.threads.apply();
        Path checkpoint = ModelCache.defaultCache().resolve(model.model);
        Clip clip = Clip.of(ModelLoader.load(checkpoint).model().setPrecision(model.precision()));
        // features differ by precision, so the cache keys on both
        precisionLabel = clip.precision().label();
        fingerprint = FeatureStore.modelFingerprint(checkpoint)
                + (clip.precision() == dev.jclip.runtime.Precision.FP32 ? "" : "-" + clip.precision().label());
        FeatureCache cache = noCache ? FeatureCache.disabled()
                : FeatureCache.at(cacheDir != null ? cacheDir : FeatureCache.defaultDir());
        return new FeatureStore(clip, fingerprint, cache, new FeatureStore.Options(batchSize, Math.max(1, workers), !quiet, seed));
    }

    /** What the run was: written at the top of results.json and the report. */
    Map<String, Object> about() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.model);
        m.put("model_fingerprint", fingerprint != null ? fingerprint.substring(0, 16) : null);
        m.put("precision", precisionLabel != null ? precisionLabel : model.precision().label());
        m.put("seed", seed);
        if (skippedCount != null) {
            m.put("skipped_files", skippedCount);
            m.put("skipped_list", SkipLog.FILE_NAME);
        }
        return m;
    }

    /**
     * Writes the images the run left out to {@code dir/skipped.txt} (path, tab, reason; empty when
     * none) and returns the closing line "N skipped (list: PATH)"; call before {@link #about()} so
     * results.json names the list too.
     */
    String writeSkipped(FeatureStore store, Path dir) throws java.io.IOException {
        Path list = store.skipped().write(dir.resolve(SkipLog.FILE_NAME));
        skippedCount = store.skipped().count();
        return store.skipped().summary(list);
    }

    /** A line on how many feature sets came from the cache. */
    static String cacheLine(FeatureStore store) {
        FeatureCache c = store.cache();
        return c.dir().map(d -> "features: " + c.hits() + " from cache, " + c.misses() + " computed (" + d + ")")
                .orElse("features: computed (cache off)");
    }
}
