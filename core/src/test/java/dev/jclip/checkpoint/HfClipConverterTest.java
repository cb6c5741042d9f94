package dev.jclip.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.tensor.TensorFileException;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfClipConverterTest {

    private static Map<String, HostTensor> hf() throws IOException {
        return new LinkedHashMap<>(SafeTensors.read(Shared.fixtures("models/vit-t/hf/model.safetensors")));
    }

    @Test
    void projectionsAreTransposedAndAttentionConcatenated() throws IOException {
        Map<String, HostTensor> in = hf();
        Map<String, HostTensor> out = HfClipConverter.toOpenAi(in, null);
        HostTensor proj = in.get("visual_projection.weight");
        HostTensor t = out.get("visual.proj");
        long[] s = proj.shape();
        assertArrayEquals(new long[]{s[1], s[0]}, t.shape());
        float[] a = proj.toFloatArray(), b = t.toFloatArray();
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                assertEquals(a[(int) (i * s[1] + j)], b[(int) (j * s[0] + i)]);
            }
        }
        HostTensor qkv = out.get("transformer.resblocks.1.attn.in_proj_bias");
        String pre = "text_model.encoder.layers.1.self_attn.";
        float[] want = concat(in.get(pre + "q_proj.bias").toFloatArray(), in.get(pre + "k_proj.bias").toFloatArray(),
                in.get(pre + "v_proj.bias").toFloatArray());
        assertArrayEquals(want, qkv.toFloatArray());
        assertFalse(out.keySet().stream().anyMatch(k -> k.contains("position_ids")));
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void unknownAndMissingTensorsAreErrors() throws IOException {
        Map<String, HostTensor> extra = hf();
        extra.put("vision_model.encoder.layers.0.self_attn.rotary.weight", HostTensor.ofFloats(new float[1], 1));
        TensorFileException e = assertThrows(TensorFileException.class, () -> HfClipConverter.toOpenAi(extra, null));
        assertTrue(e.getMessage().contains("1 tensors with no OpenAI counterpart: "
                + "[vision_model.encoder.layers.0.self_attn.rotary.weight]"), e.getMessage());

        Map<String, HostTensor> missing = hf();
        missing.remove("text_model.encoder.layers.0.self_attn.k_proj.weight");
        e = assertThrows(TensorFileException.class, () -> HfClipConverter.toOpenAi(missing, null));
        assertTrue(e.getMessage().contains("lacks 'text_model.encoder.layers.0.self_attn.k_proj.weight'"), e.getMessage());

        Map<String, HostTensor> gap = hf();
        gap.keySet().removeIf(k -> k.startsWith("vision_model.encoder.layers.1."));
        e = assertThrows(TensorFileException.class, () -> HfClipConverter.toOpenAi(gap, null));
        assertTrue(e.getMessage().contains("vision_model. layers are not numbered 0..2"), e.getMessage());
    }

    @Test
    void configMustAgreeWithTheTensors() throws IOException {
        var config = new ObjectMapper().readTree("{\"text_config\":{\"num_hidden_layers\":12},"
                + "\"vision_config\":{\"num_hidden_layers\":3}}");
        TensorFileException e = assertThrows(TensorFileException.class, () -> HfClipConverter.toOpenAi(hf(), config));
        assertTrue(e.getMessage().contains("config.json gives 12 text_model. layers but the tensors have 2"),
                e.getMessage());
    }

    @Test
    void recognizesHfNaming() {
        assertTrue(HfClipConverter.isHfNaming(List.of("logit_scale", "text_model.final_layer_norm.bias")));
        assertFalse(HfClipConverter.isHfNaming(List.of("logit_scale", "visual.proj")));
    }
}
