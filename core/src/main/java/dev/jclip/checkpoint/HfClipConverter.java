package dev.jclip.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.TensorFileException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts a Hugging Face {@code CLIPModel} state dict to OpenAI CLIP names and layouts.
 *
 * <p>Hugging Face splits attention into q/k/v projections, which OpenAI keeps as one
 * {@code in_proj} matrix (rows q, then k, then v); it stores the two projections as linear
 * weights (out × in), where OpenAI multiplies by the (in × out) matrix; and it keeps
 * {@code position_ids} buffers that are not weights. The rest is renaming. Values are copied
 * bit for bit in their stored dtype. The result is in the order of OpenAI's own state dict.
 * Every input key must be used: a key this converter does not know is an error rather than a
 * silently dropped weight.
 */
public final class HfClipConverter {
    private static final String TEXT = "text_model.", VISION = "vision_model.";

    private final Map<String, HostTensor> source;
    private final Map<String, HostTensor> out = new LinkedHashMap<>();

    private HfClipConverter(Map<String, HostTensor> hf) {
        this.source = new LinkedHashMap<>(hf);
    }

    /** True when keys are in Hugging Face {@code CLIPModel} naming. */
    public static boolean isHfNaming(Collection<String> keys) {
        return keys.stream().anyMatch(k -> k.startsWith(TEXT) || k.startsWith(VISION));
    }

    /**
     * Converts to OpenAI naming.
     *
     * @param hf     the {@code CLIPModel} tensors
     * @param config the model's {@code config.json}, or null; when given, its layer counts must
     *               match the tensors
     * @throws TensorFileException when a tensor is missing, unexpected or has an inconsistent shape
     */
    public static Map<String, HostTensor> toOpenAi(Map<String, HostTensor> hf, JsonNode config)
            throws TensorFileException {
        HfClipConverter c = new HfClipConverter(hf);
        c.source.keySet().removeIf(k -> k.endsWith("embeddings.position_ids"));
        int visionLayers = c.layers(VISION, config == null ? null : config.path("vision_config"));
        int textLayers = c.layers(TEXT, config == null ? null : config.path("text_config"));
        try {
            c.convert(visionLayers, textLayers);
        } catch (IllegalArgumentException e) {
            throw new TensorFileException("Hugging Face CLIP checkpoint: " + e.getMessage(), e);
        }
        if (!c.source.isEmpty()) {
            List<String> left = new ArrayList<>(c.source.keySet());
            throw new TensorFileException("Hugging Face CLIP checkpoint has " + left.size()
                    + " tensors with no OpenAI counterpart: " + left.subList(0, Math.min(5, left.size()))
                    + (left.size() > 5 ? " ..." : ""));
        }
        return c.out;
    }

    private void convert(int visionLayers, int textLayers) throws TensorFileException {
        put("positional_embedding", take(TEXT + "embeddings.position_embedding.weight"));
        put("text_projection", TensorOps.transpose(take("text_projection.weight")));
        put("logit_scale", take("logit_scale"));
        put("visual.class_embedding", take(VISION + "embeddings.class_embedding"));
        put("visual.positional_embedding", take(VISION + "embeddings.position_embedding.weight"));
        put("visual.proj", TensorOps.transpose(take("visual_projection.weight")));
        put("visual.conv1.weight", take(VISION + "embeddings.patch_embedding.weight"));
        layerNorm("visual.ln_pre", VISION + "pre_layrnorm");
        for (int i = 0; i < visionLayers; i++) {
            block("visual.transformer.resblocks." + i + ".", VISION + "encoder.layers." + i + ".");
        }
        layerNorm("visual.ln_post", VISION + "post_layernorm");
        for (int i = 0; i < textLayers; i++) {
            block("transformer.resblocks." + i + ".", TEXT + "encoder.layers." + i + ".");
        }
        put("token_embedding.weight", take(TEXT + "embeddings.token_embedding.weight"));
        layerNorm("ln_final", TEXT + "final_layer_norm");
    }

    private void block(String to, String from) throws TensorFileException {
        String attn = from + "self_attn.";
        put(to + "attn.in_proj_weight", TensorOps.concatRows(
                take(attn + "q_proj.weight"), take(attn + "k_proj.weight"), take(attn + "v_proj.weight")));
        put(to + "attn.in_proj_bias", TensorOps.concatRows(
                take(attn + "q_proj.bias"), take(attn + "k_proj.bias"), take(attn + "v_proj.bias")));
        put(to + "attn.out_proj.weight", take(attn + "out_proj.weight"));
        put(to + "attn.out_proj.bias", take(attn + "out_proj.bias"));
        layerNorm(to + "ln_1", from + "layer_norm1");
        put(to + "mlp.c_fc.weight", take(from + "mlp.fc1.weight"));
        put(to + "mlp.c_fc.bias", take(from + "mlp.fc1.bias"));
        put(to + "mlp.c_proj.weight", take(from + "mlp.fc2.weight"));
        put(to + "mlp.c_proj.bias", take(from + "mlp.fc2.bias"));
        layerNorm(to + "ln_2", from + "layer_norm2");
    }

    private void layerNorm(String to, String from) throws TensorFileException {
        put(to + ".weight", take(from + ".weight"));
        put(to + ".bias", take(from + ".bias"));
    }

    private void put(String key, HostTensor t) {
        out.put(key, t);
    }

    private HostTensor take(String key) throws TensorFileException {
        HostTensor t = source.remove(key);
        if (t == null) {
            throw new TensorFileException("Hugging Face CLIP checkpoint lacks '" + key + "'");
        }
        return t;
    }

    /** The number of encoder layers, which must be numbered 0..n-1 and agree with the config. */
    private int layers(String tower, JsonNode towerConfig) throws TensorFileException {
        Pattern p = Pattern.compile(Pattern.quote(tower) + "encoder\\.layers\\.(\\d{1,6})\\..*");
        TreeSet<Integer> seen = new TreeSet<>();
        for (String k : source.keySet()) {
            Matcher m = p.matcher(k);
            if (m.matches()) {
                seen.add(Integer.parseInt(m.group(1)));
            }
        }
        int n = seen.isEmpty() ? 0 : seen.last() + 1;
        if (seen.size() != n) {
            throw new TensorFileException("Hugging Face CLIP checkpoint: " + tower + " layers are not numbered 0.."
                    + (n - 1) + ": " + Arrays.toString(seen.toArray()));
        }
        if (towerConfig != null && towerConfig.has("num_hidden_layers")
                && towerConfig.get("num_hidden_layers").asInt() != n) {
            throw new TensorFileException("Hugging Face CLIP checkpoint: config.json gives "
                    + towerConfig.get("num_hidden_layers") + " " + tower + " layers but the tensors have " + n);
        }
        return n;
    }
}
