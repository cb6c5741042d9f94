package dev.jclip.train;

import dev.jclip.model.ClipModel;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Freezing towers as in LiT / open_clip's lock_image / lock_text: every parameter of the tower
 * stops requiring gradients except those of its last {@code unlocked} groups. Groups, from the
 * input side: ViT — embeddings (patch conv, class and positional embedding, ln_pre), each block,
 * then the head (ln_post, proj); ResNet — the stem, each of the four stages, the attention pool;
 * text — embeddings (token, positional), each block, then the head (ln_final, text_projection).
 */
public final class Locking {
    private Locking() {
    }

    /** The group index of an image-tower parameter, and the number of groups. */
    static int imageGroup(String name, ClipModel m) {
        String n = name.substring("visual.".length());
        if (m.config().isVit()) {
            int layers = m.config().visionLayers().get(0);
            if (n.startsWith("transformer.resblocks.")) {
                return 1 + Integer.parseInt(n.split("\\.")[2]);
            }
            return n.startsWith("ln_post") || n.equals("proj") ? layers + 1 : 0;
        }
        for (int s = 1; s <= 4; s++) {
            if (n.startsWith("layer" + s + ".")) {
                return s;
            }
        }
        return n.startsWith("attnpool") ? 5 : 0;
    }

    static int imageGroups(ClipModel m) {
        return m.config().isVit() ? m.config().visionLayers().get(0) + 2 : 6;
    }

    static int textGroup(String name, ClipModel m) {
        if (name.startsWith("transformer.resblocks.")) {
            return 1 + Integer.parseInt(name.split("\\.")[2]);
        }
        return name.startsWith("ln_final") || name.equals("text_projection") ? m.config().transformerLayers() + 1 : 0;
    }

    /** Freezes the image tower except its last {@code unlocked} groups; returns the frozen names. */
    public static List<String> lockImage(ClipModel m, int unlocked) {
        int groups = imageGroups(m);
        List<String> frozen = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.namedParameters(false).entrySet()) {
            if (e.getKey().startsWith("visual.") && imageGroup(e.getKey(), m) < groups - unlocked) {
                e.getValue().requires_grad_(false);
                frozen.add(e.getKey());
            }
        }
        return frozen;
    }

    /** Freezes the text tower except its last {@code unlocked} groups; returns the frozen names. */
    public static List<String> lockText(ClipModel m, int unlocked) {
        int groups = m.config().transformerLayers() + 2;
        List<String> frozen = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.namedParameters(false).entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("visual.") && !k.equals("logit_scale") && textGroup(k, m) < groups - unlocked) {
                e.getValue().requires_grad_(false);
                frozen.add(k);
            }
        }
        return frozen;
    }
}
