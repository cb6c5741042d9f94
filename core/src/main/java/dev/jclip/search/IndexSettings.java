package dev.jclip.search;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an index was built with, recorded in every Lucene commit: the model (as the user named it,
 * so that {@code clip search} can load it again), the model's fingerprint, the inference
 * precision, the embedding width and the vector quantization. Vectors from different models or
 * precisions are not comparable, so an index refuses to be written with other settings.
 */
public record IndexSettings(String model, String fingerprint, String precision, int dim, Quantization quantization) {
    static final String FORMAT = "jclip-index-1";

    public IndexSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(quantization, "quantization");
        if (dim < 1 || dim > 1024) {
            throw new IllegalArgumentException("embedding width " + dim + " (Lucene's HNSW takes 1..1024)");
        }
    }

    Map<String, String> toCommitData() {
        Map<String, String> m = new HashMap<>();
        m.put("jclip.format", FORMAT);
        m.put("jclip.model", model);
        m.put("jclip.fingerprint", fingerprint);
        m.put("jclip.precision", precision);
        m.put("jclip.dim", Integer.toString(dim));
        m.put("jclip.quantization", quantization.label());
        return m;
    }

    static IndexSettings fromCommitData(Map<String, String> m) {
        if (!FORMAT.equals(m.get("jclip.format"))) {
            return null;
        }
        return new IndexSettings(m.get("jclip.model"), m.get("jclip.fingerprint"), m.get("jclip.precision"),
                Integer.parseInt(m.get("jclip.dim")), Quantization.parse(m.get("jclip.quantization")));
    }

    /** Why vectors made with {@code other} cannot go into an index built with these settings, or null. */
    public String mismatch(IndexSettings other) {
        if (!fingerprint.equals(other.fingerprint)) {
            return "the index was built with model " + model + " (fingerprint " + fingerprint.substring(0, 12)
                    + "), not " + other.model + " (" + other.fingerprint.substring(0, 12) + ")";
        }
        if (!precision.equals(other.precision)) {
            return "the index was built in precision " + precision + ", not " + other.precision;
        }
        if (dim != other.dim) {
            return "the index holds " + dim + "-wide vectors, not " + other.dim;
        }
        if (quantization != other.quantization) {
            return "the index uses quantization " + quantization.label() + ", not " + other.quantization.label();
        }
        return null;
    }
}
