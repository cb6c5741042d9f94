package dev.jclip.model;

import dev.jclip.checkpoint.CheckpointReader;
import dev.jclip.checkpoint.StateDict;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a {@link ClipModel} from any checkpoint format users have: released OpenAI TorchScript
 * archives, torch.save state dicts, open_clip state dicts and safetensors, Hugging Face
 * {@code CLIPModel} folders, and the project's own model files and training checkpoints. The
 * architecture comes from the file's stored configuration or is inferred from the weights.
 */
public final class ModelLoader {
    /** What was loaded and from where. */
    public record Loaded(ClipModel model, String format, Path source) {
    }

    private ModelLoader() {
    }

    public static Loaded load(Path path) throws IOException {
        return load(path, TowerSelection.BOTH);
    }

    /**
     * Loads only the given towers: the other tower's weights are not copied (and, from safetensors
     * files, not even read), and running it fails with IllegalStateException.
     */
    public static Loaded load(Path path, TowerSelection towers) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("no model at " + path);
        }
        if (Files.isRegularFile(path) && isSafetensors(path)) {
            Map<String, String> meta = SafeTensors.readMetadata(path);
            String cfg = meta.get(ModelFiles.CONFIG_KEY);
            if (cfg != null) {
                String format = meta.getOrDefault("format", "jclip");
                boolean checkpoint = format.equals("jclip-checkpoint");
                Map<String, HostTensor> sd = SafeTensors.readWithMetadata(path, k -> checkpoint
                        ? k.startsWith("model.") && towers.includes(k.substring(6)) : towers.includes(k)).tensors();
                if (checkpoint) {
                    Map<String, HostTensor> model = new LinkedHashMap<>();
                    sd.forEach((k, v) -> {
                        if (k.startsWith("model.")) {
                            model.put(k.substring(6), v);
                        }
                    });
                    sd = model;
                }
                return new Loaded(ModelFiles.fromStateDict(sd, ModelFiles.configOf(meta), ModelFiles.textTowerOf(meta), towers),
                        format, path);
            }
        }
        StateDict sd = CheckpointReader.read(path);
        return new Loaded(ModelFiles.fromStateDict(sd.tensors(), null, null, towers), sd.format(), path);
    }

    private static boolean isSafetensors(Path p) {
        return p.getFileName().toString().endsWith(".safetensors");
    }
}
