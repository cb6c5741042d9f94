package dev.jclip.train;

import org.bytedeco.pytorch.Tensor;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * open_clip's weight-decay rule: no decay for tensors with fewer than two dimensions, for
 * BatchNorm/LayerNorm parameters, biases and the logit scale.
 */
public final class ParamGroups {
    private ParamGroups() {
    }

    public static boolean excludedFromDecay(String name, Tensor p) {
        return p.dim() < 2 || name.contains("bn") || name.contains("ln") || name.contains("bias")
                || name.contains("logit_scale");
    }

    public static Set<String> noDecay(Map<String, Tensor> params) {
        Set<String> out = new LinkedHashSet<>();
        params.forEach((k, v) -> {
            if (excludedFromDecay(k, v)) {
                out.add(k);
            }
        });
        return out;
    }
}
