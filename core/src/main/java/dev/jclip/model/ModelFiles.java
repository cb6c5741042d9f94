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
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFiles() {
    }

    /** Writes the model (float32) atomically. */
    public static void save(ClipModel model, Path file) throws IOException {
        Map<String, HostTensor> sd = StateDicts.toHost(model);
        SafeTensors.write(file, sd, Map.of(CONFIG_KEY, model.config().toJson().toString(), "format", "jclip"));
    }

    /** Builds a model from a state dict in reference naming, with the given or inferred configuration. */
    public static ClipModel fromStateDict(Map<String, HostTensor> sd, ClipConfig configOrNull) throws IOException {
        ClipConfig cfg = configOrNull != null ? configOrNull : ConfigInference.infer(StateDicts.shapes(sd));
        ClipModel m = ClipModel.shapeOnly(cfg);
        StateDicts.load(m, sd);
        m.eval();
        return m;
    }

    /** The configuration stored in a safetensors file's metadata, or null. */
    public static ClipConfig configOf(Map<String, String> metadata) throws IOException {
        String json = metadata.get(CONFIG_KEY);
        return json == null ? null : ClipConfig.fromJson(JSON.readTree(json));
    }
}
