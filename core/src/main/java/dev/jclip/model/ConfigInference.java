package dev.jclip.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Infers a {@link ClipConfig} from state-dict shapes with the reference {@code build_model}
 * rules, so a checkpoint needs no separate configuration.
 */
public final class ConfigInference {
    private ConfigInference() {
    }

    /** @param shapes state-dict key → shape, in reference (OpenAI) naming */
    public static ClipConfig infer(Map<String, long[]> shapes) {
        boolean vit = shapes.containsKey("visual.proj");
        int embedDim = dim(shapes, "text_projection", 1);
        int contextLength = dim(shapes, "positional_embedding", 0);
        int vocabSize = dim(shapes, "token_embedding.weight", 0);
        int textWidth = dim(shapes, "ln_final.weight", 0);
        int textHeads = Math.max(1, textWidth / 64);
        int textLayers = countIndices(shapes, "transformer.resblocks.");
        if (vit) {
            int width = dim(shapes, "visual.conv1.weight", 0);
            int layers = countIndices(shapes, "visual.transformer.resblocks.");
            int patch = dim(shapes, "visual.conv1.weight", 3);
            int grid = (int) Math.round(Math.sqrt(dim(shapes, "visual.positional_embedding", 0) - 1));
            return ClipConfig.vit(embedDim, patch * grid, layers, width, patch, contextLength, vocabSize,
                    textWidth, textHeads, textLayers);
        }
        List<Integer> layers = new ArrayList<>();
        for (int b = 1; b <= 4; b++) {
            layers.add(countIndices(shapes, "visual.layer" + b + "."));
        }
        int width = dim(shapes, "visual.layer1.0.conv1.weight", 0);
        int out = (int) Math.round(Math.sqrt(dim(shapes, "visual.attnpool.positional_embedding", 0) - 1));
        return ClipConfig.resnet(embedDim, out * 32, layers, width, contextLength, vocabSize,
                textWidth, textHeads, textLayers);
    }

    private static int dim(Map<String, long[]> shapes, String key, int axis) {
        long[] s = shapes.get(key);
        if (s == null) {
            throw new IllegalArgumentException("cannot infer the architecture: the checkpoint has no tensor '" + key
                    + "' (is it a CLIP checkpoint in OpenAI naming?)");
        }
        if (s.length <= axis) {
            throw new IllegalArgumentException("tensor '" + key + "' has " + s.length + " dimensions, expected more than " + axis);
        }
        return Math.toIntExact(s[axis]);
    }

    /** Number of distinct block indices under a prefix such as {@code transformer.resblocks.}. */
    private static int countIndices(Map<String, long[]> shapes, String prefix) {
        Set<String> ids = new HashSet<>();
        for (String k : shapes.keySet()) {
            if (k.startsWith(prefix)) {
                String rest = k.substring(prefix.length());
                int dot = rest.indexOf('.');
                ids.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return ids.size();
    }
}
