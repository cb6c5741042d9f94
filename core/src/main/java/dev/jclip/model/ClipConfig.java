package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a CLIP model, with the constructor arguments of the reference
 * {@code CLIP(...)}. A ResNet image tower has four {@code visionLayers} and no patch size; a
 * ViT has one layer count and a patch size.
 *
 * @param visionLayers     one entry (ViT depth) or four (ResNet stage depths)
 * @param visionPatchSize  ViT patch size, or null for a ResNet
 */
public record ClipConfig(int embedDim, int imageResolution, List<Integer> visionLayers, int visionWidth,
                         Integer visionPatchSize, int contextLength, int vocabSize, int transformerWidth,
                         int transformerHeads, int transformerLayers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ClipConfig {
        visionLayers = List.copyOf(visionLayers);
        boolean vit = visionPatchSize != null;
        if (vit && visionLayers.size() != 1 || !vit && visionLayers.size() != 4) {
            throw new IllegalArgumentException("a ViT needs one vision layer count and a patch size; "
                    + "a ResNet four stage depths and no patch size; got " + visionLayers + ", patch " + visionPatchSize);
        }
        if (transformerWidth % transformerHeads != 0) {
            throw new IllegalArgumentException("transformer_width " + transformerWidth
                    + " is not divisible by transformer_heads " + transformerHeads);
        }
    }

    /** A ViT configuration. */
    public static ClipConfig vit(int embedDim, int resolution, int layers, int width, int patch,
                                 int contextLength, int vocabSize, int textWidth, int textHeads, int textLayers) {
        return new ClipConfig(embedDim, resolution, List.of(layers), width, patch, contextLength, vocabSize,
                textWidth, textHeads, textLayers);
    }

    /** A ModifiedResNet configuration. */
    public static ClipConfig resnet(int embedDim, int resolution, List<Integer> layers, int width,
                                    int contextLength, int vocabSize, int textWidth, int textHeads, int textLayers) {
        return new ClipConfig(embedDim, resolution, layers, width, null, contextLength, vocabSize,
                textWidth, textHeads, textLayers);
    }

    public boolean isVit() {
        return visionPatchSize != null;
    }

    /** Attention heads of the image tower: width/64 for a ViT, width·32/64 for the ResNet's attention pool. */
    public int visionHeads() {
        return isVit() ? Math.max(1, visionWidth / 64) : visionWidth * 32 / 64;
    }

    /** The configuration as JSON with the reference's snake_case names. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("embed_dim", embedDim);
        n.put("image_resolution", imageResolution);
        if (isVit()) {
            n.put("vision_layers", visionLayers.get(0));
        } else {
            var arr = n.putArray("vision_layers");
            visionLayers.forEach(arr::add);
        }
        n.put("vision_width", visionWidth);
        if (isVit()) {
            n.put("vision_patch_size", visionPatchSize);
        } else {
            n.putNull("vision_patch_size");
        }
        n.put("context_length", contextLength);
        n.put("vocab_size", vocabSize);
        n.put("transformer_width", transformerWidth);
        n.put("transformer_heads", transformerHeads);
        n.put("transformer_layers", transformerLayers);
        return n;
    }

    /** Parses the reference's snake_case JSON (as in the fixtures' meta.json and shapes files). */
    public static ClipConfig fromJson(JsonNode n) {
        for (String f : List.of("embed_dim", "image_resolution", "vision_layers", "vision_width", "context_length",
                "vocab_size", "transformer_width", "transformer_heads", "transformer_layers")) {
            if (!n.has(f)) {
                throw new IllegalArgumentException("model config lacks '" + f + "'");
            }
        }
        JsonNode vl = n.get("vision_layers");
        List<Integer> layers = new ArrayList<>();
        if (vl.isArray()) {
            vl.forEach(x -> layers.add(x.asInt()));
        } else {
            layers.add(vl.asInt());
        }
        JsonNode p = n.get("vision_patch_size");
        Integer patch = p == null || p.isNull() ? null : p.asInt();
        return new ClipConfig(n.get("embed_dim").asInt(), n.get("image_resolution").asInt(), layers,
                n.get("vision_width").asInt(), patch, n.get("context_length").asInt(), n.get("vocab_size").asInt(),
                n.get("transformer_width").asInt(), n.get("transformer_heads").asInt(),
                n.get("transformer_layers").asInt());
    }

    public static ClipConfig fromJson(Path file) throws IOException {
        JsonNode n = JSON.readTree(Files.readAllBytes(file));
        return fromJson(n.has("config") ? n.get("config") : n);
    }

    public String toJsonString() {
        return toJson().toPrettyString();
    }
}
