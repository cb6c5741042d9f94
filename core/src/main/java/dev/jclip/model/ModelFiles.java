package dev.jclip.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The project's own model format: one safetensors file with every tensor in reference naming
 * and the configuration as JSON in its metadata (key {@value #CONFIG_KEY}), so a file is
 * self-describing and loads without inference.
 */
public final class ModelFiles {
    public static final String CONFIG_KEY = "jclip.config";
    /** The text tower a model needs when it is not CLIP's own transformer (JSON of {@link SentenceEncoderTower.Spec}). */
    public static final String TEXT_TOWER_KEY = "jclip.text_tower";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFiles() {
    }

    /** Writes the model (float32) atomically. */
    public static void save(ClipModel model, Path file) throws IOException {
        Map<String, HostTensor> sd = StateDicts.toHost(model);
        Map<String, String> meta = new java.util.LinkedHashMap<>(metadata(model));
        meta.put("format", "jclip");
        SafeTensors.write(file, sd, meta);
    }

    /** The metadata describing a model's architecture: its configuration and, if not CLIP's own, its text tower. */
    public static Map<String, String> metadata(ClipModel model) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(CONFIG_KEY, model.config().toJson().toString());
        if (model.sentenceTower() != null) {
            m.put(TEXT_TOWER_KEY, model.sentenceTower().spec().toJson().toString());
        }
        return m;
    }

    /** The sentence-encoder text tower recorded in a file's metadata, or null for CLIP's own. */
    public static SentenceEncoderTower.Spec textTowerOf(Map<String, String> metadata) throws IOException {
        String json = metadata.get(TEXT_TOWER_KEY);
        return json == null ? null : SentenceEncoderTower.Spec.fromJson(JSON.readTree(json));
    }

    /** Builds a model from a state dict in reference naming, with the given or inferred configuration. */
    public static ClipModel fromStateDict(Map<String, HostTensor> sd, ClipConfig configOrNull) throws IOException {
        return fromStateDict(sd, configOrNull, null);
    }

    /** As {@link #fromStateDict(Map, ClipConfig)}, with a sentence-encoder text tower when {@code text} is not null. */
    public static ClipModel fromStateDict(Map<String, HostTensor> sd, ClipConfig configOrNull,
                                          SentenceEncoderTower.Spec text) throws IOException {
        return fromStateDict(sd, configOrNull, text, TowerSelection.BOTH);
    }

    /**
     * As {@link #fromStateDict(Map, ClipConfig, SentenceEncoderTower.Spec)}, loading only the given
     * towers. Without a stored configuration the architecture is inferred from the weights, which
     * needs both towers' shapes: then {@code sd} must hold them all.
     */
    public static ClipModel fromStateDict(Map<String, HostTensor> sd, ClipConfig configOrNull,
                                          SentenceEncoderTower.Spec text, TowerSelection towers) throws IOException {
        if (text != null && configOrNull == null) {
            throw new IOException("a model with the sentence-encoder text tower " + text.encoder() + " needs its stored configuration");
        }
        ClipConfig cfg = configOrNull != null ? configOrNull : ConfigInference.infer(StateDicts.shapes(sd));
        ClipModel m = ClipModel.shapeOnly(cfg, text);
        StateDicts.load(m, sd, towers);
        m.loadedTowers(towers);
        m.eval();
        return m;
    }

    /** The configuration stored in a safetensors file's metadata, or null. */
    public static ClipConfig configOf(Map<String, String> metadata) throws IOException {
        String json = metadata.get(CONFIG_KEY);
        return json == null ? null : ClipConfig.fromJson(JSON.readTree(json));
    }
}
