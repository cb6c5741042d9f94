package dev.jclip.eval;

import dev.jclip.data.SkipLog;
import dev.jclip.data.Skipped;
import dev.jclip.download.ModelCache;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Computed {@link Features} on disk, one safetensors file per key ({@code <key>.safetensors}:
 * {@code vectors} F32 [N, D], {@code labels} and {@code positions} I64 [N]; a description and the
 * skipped items in the metadata). Keys come from {@link Fingerprint}s of the model and the data, so a second
 * evaluation of the same model on the same data reads its features instead of running the model.
 * Files are written atomically; a file that cannot be read is treated as absent.
 */
public final class FeatureCache {
    private static final Logger LOG = Logger.getLogger(FeatureCache.class.getName());
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Path dir;
    private final AtomicInteger hits = new AtomicInteger(), misses = new AtomicInteger();

    private FeatureCache(Path dir) {
        this.dir = dir;
    }

    /** A cache in {@code dir} (created on first write). */
    public static FeatureCache at(Path dir) {
        return new FeatureCache(dir.toAbsolutePath());
    }

    /** A cache that stores nothing. */
    public static FeatureCache disabled() {
        return new FeatureCache(null);
    }

    /** {@code features} under the model cache folder ({@code ~/.cache/jclip/features} unless relocated). */
    public static Path defaultDir() {
        return ModelCache.defaultDir().resolve("features");
    }

    /** The folder, or empty when disabled. */
    public Optional<Path> dir() {
        return Optional.ofNullable(dir);
    }

    /** Lookups answered from disk so far. */
    public int hits() {
        return hits.get();
    }

    /** Lookups that had to compute so far. */
    public int misses() {
        return misses.get();
    }

    /** The features stored under {@code key}, if any. */
    public Optional<Features> get(String key) {
        if (dir == null) {
            return Optional.empty();
        }
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            SafeTensors.Contents c = SafeTensors.readWithMetadata(f);
            HostTensor v = c.tensors().get("vectors");
            long[] shape = v.shape();
            int n = (int) shape[0], d = (int) shape[1];
            float[] flat = v.toFloatArray();
            float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            }
            int[] labels = toInts(c.tensors().get("labels").toLongArray());
            int[] positions = toInts(c.tensors().get("positions").toLongArray());
            List<Skipped> skipped = new ArrayList<>();
            String items = c.metadata().get("skipped_items");
            if (items != null) {
                for (com.fasterxml.jackson.databind.JsonNode pair : JSON.readTree(items)) {
                    skipped.add(new Skipped(pair.get(0).asText(), pair.get(1).asText()));
                }
            }
            if (skipped.size() != Integer.parseInt(c.metadata().getOrDefault("skipped", "0"))) {
                throw new IOException("its skipped count and list disagree");
            }
            return Optional.of(new Features(rows, labels, positions, skipped));
        } catch (IOException | RuntimeException e) {
            LOG.warning("ignoring unreadable cached features " + f + ": " + e);
            return Optional.empty();
        }
    }

    /** Stores {@code f} under {@code key} with a human-readable description. */
    public void put(String key, Features f, String description) throws IOException {
        if (dir == null) {
            return;
        }
        int n = f.size(), d = f.dim();
        float[] flat = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(f.vectors()[i], 0, flat, i * d, d);
        }
        Map<String, HostTensor> t = new LinkedHashMap<>();
        t.put("vectors", HostTensor.ofFloats(flat, n, d));
        t.put("labels", HostTensor.ofLongs(toLongs(f.labels()), n));
        t.put("positions", HostTensor.ofLongs(toLongs(f.positions()), n));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("skipped", Integer.toString(f.skipped().size()));
        meta.put("skipped_items", JSON.writeValueAsString(SkipLog.pairs(f.skipped())));
        meta.put("description", description);
        meta.put("created", java.time.Instant.now().toString());
        SafeTensors.write(file(key), t, meta);
    }

    /** The cached features of {@code key}, or computes, stores and returns them. */
    public Features getOrCompute(String key, String description, Computation compute) throws Exception {
        Optional<Features> cached = get(key);
        if (cached.isPresent()) {
            hits.incrementAndGet();
            return cached.get();
        }
        misses.incrementAndGet();
        Features f = compute.run();
        put(key, f, description);
        return f;
    }

    /** Work that produces features (may fail). */
    @FunctionalInterface
    public interface Computation {
        Features run() throws Exception;
    }

    Path file(String key) {
        if (!key.matches("[0-9a-f]{16,128}")) {
            throw new IllegalArgumentException("cache keys are hex digests, not '" + key + "'");
        }
        return dir.resolve(key + ".safetensors");
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }

    private static long[] toLongs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
