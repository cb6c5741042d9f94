package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.model.layers.Params;
import dev.jclip.tensor.Torch;
import dev.jclip.text.SentenceEncoder;
import dev.jclip.text.SentenceEncoders;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A locked pretrained sentence encoder (see {@link SentenceEncoders}) followed by a trainable
 * linear projection {@code proj} [feature_dim, embed_dim] into the shared space, as LiT's locked
 * text towers. The encoder is a frozen feature extractor whose vectors are cached on disk, so
 * training runs only the image tower and the projections; only {@code proj} is a parameter
 * (state-dict key {@code text_encoder.proj}). The encoder itself is opened on first use.
 */
public final class SentenceEncoderTower extends Module implements TextTower {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which encoder, and its feature size (recorded in saved models). */
    public record Spec(String encoder, int featureDim) {
        public ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("type", "sentence-encoder");
            n.put("encoder", encoder);
            n.put("feature_dim", featureDim);
            return n;
        }

        public static Spec fromJson(JsonNode n) {
            if (!"sentence-encoder".equals(n.path("type").asText()) || !n.has("encoder") || !n.has("feature_dim")) {
                throw new IllegalArgumentException("unsupported text tower description: " + n);
            }
            return new Spec(n.get("encoder").asText(), n.get("feature_dim").asInt());
        }

        /** The spec of a known encoder name ("minilm", "minilm-q"). */
        public static Spec named(String name) {
            var s = SentenceEncoders.info(name); // fails listing the known names
            return new Spec(s.name(), s.dim());
        }
    }

    /** How encoders are opened by name (tests may substitute one). */
    private static volatile Function<String, SentenceEncoder> opener =
            name -> SentenceEncoders.cached(name, Math.max(1, Runtime.getRuntime().availableProcessors()));

    private final Spec spec;
    public final Tensor proj;
    private SentenceEncoder encoder;
    // locked features of every text seen in training, by row id
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<float[]> table = new ArrayList<>();

    SentenceEncoderTower(Spec spec, int embedDim) {
        this.spec = spec;
        proj = Params.parameter(this, "proj", torch.empty(spec.featureDim(), embedDim));
    }

    /**
     * The configuration of a model with this text tower: {@code c}'s image tower and embedding size;
     * no CLIP text transformer (context length, vocabulary and layers 0), and the feature size as
     * the text width (the input of the projection, as transformer_width is text_projection's).
     */
    public static ClipConfig configFor(ClipConfig c, Spec text) {
        return new ClipConfig(c.embedDim(), c.imageResolution(), c.visionLayers(), c.visionWidth(), c.visionPatchSize(),
                0, 0, text.featureDim(), 1, 0);
    }

    /** Replaces how encoders are opened by name; returns the previous opener. */
    public static Function<String, SentenceEncoder> setOpener(Function<String, SentenceEncoder> f) {
        Function<String, SentenceEncoder> old = opener;
        opener = f;
        return old;
    }

    void initialize() {
        try (NoGradGuard ng = new NoGradGuard()) {
            torch.normal_(proj, 0, Math.pow(spec.featureDim(), -0.5));
        }
    }

    /**
     * Fixes the projection to the identity and stops it training, so the shared space is the
     * encoder's own: with few distinct training texts (a few dozen class names) a trainable
     * projection is only constrained on their span and maps every other text direction by its
     * random initialization, while the identity keeps how unseen words relate to seen ones.
     * Needs embed_dim equal to the feature size.
     */
    public void lockIdentity() {
        long n = proj.size(0);
        if (proj.size(1) != n) {
            throw new IllegalArgumentException("a fixed identity text projection needs embed_dim = " + n
                    + " (the encoder's feature size), not " + proj.size(1));
        }
        try (NoGradGuard ng = new NoGradGuard()) {
            proj.copy_(torch.eye(n));
        }
        proj.requires_grad_(false);
    }

    public Spec spec() {
        return spec;
    }

    @Override
    public String kind() {
        return spec.encoder();
    }

    /** The locked encoder (opened, with its disk cache, on first use). */
    public synchronized SentenceEncoder encoder() {
        if (encoder == null) {
            SentenceEncoder e = opener.apply(spec.encoder());
            if (e.dim() != spec.featureDim()) {
                throw new IllegalStateException("sentence encoder " + e.id() + " gives " + e.dim()
                        + "-d features; this model's projection expects " + spec.featureDim());
            }
            encoder = e;
        }
        return encoder;
    }

    /** Locked features [N][feature_dim] of texts. */
    public float[][] features(List<String> texts) {
        return encoder().encode(texts);
    }

    @Override
    public synchronized List<long[]> rows(List<String> texts) {
        List<String> fresh = new ArrayList<>(new java.util.LinkedHashSet<>(texts));
        fresh.removeIf(ids::containsKey);
        if (!fresh.isEmpty()) {
            float[][] f = features(fresh);
            for (int i = 0; i < fresh.size(); i++) {
                ids.put(fresh.get(i), table.size());
                table.add(f[i]);
            }
        }
        List<long[]> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(new long[]{ids.get(t)});
        }
        return out;
    }

    /** The locked features [N, feature_dim] of rows made by {@link #rows} ([N, 1] row ids). */
    public synchronized Tensor featuresOfRows(Tensor rows) {
        long[] r = Torch.toHost(rows.contiguous()).toLongArray();
        int d = spec.featureDim();
        float[] flat = new float[r.length * d];
        for (int i = 0; i < r.length; i++) {
            System.arraycopy(table.get((int) r[i]), 0, flat, i * d, d);
        }
        return Torch.floats(flat, r.length, d);
    }

    /** Locked features [N, feature_dim] to the shared space [N, embed_dim]. */
    public Tensor project(Tensor features) {
        return features.matmul(proj);
    }

    @Override
    public float[][] encode(List<String> texts) {
        float[][] f = features(texts);
        if (f.length == 0) {
            return new float[0][];
        }
        int d = spec.featureDim();
        float[] flat = new float[f.length * d];
        for (int i = 0; i < f.length; i++) {
            System.arraycopy(f[i], 0, flat, i * d, d);
        }
        try (PointerScope scope = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensor e = project(Torch.floats(flat, f.length, d));
            float[] v = Torch.toFloatArray(e);
            int k = (int) e.size(1);
            float[][] out = new float[f.length][];
            for (int i = 0; i < f.length; i++) {
                out[i] = Arrays.copyOfRange(v, i * k, (i + 1) * k);
            }
            return out;
        }
    }
}
