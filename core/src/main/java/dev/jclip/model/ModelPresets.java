package dev.jclip.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Named architectures: the nine released OpenAI models and small ones that train on a CPU.
 * Names are matched ignoring case, with '/', '-' and '@' interchangeable.
 */
public final class ModelPresets {
    private static final Map<String, ClipConfig> PRESETS = new LinkedHashMap<>();

    static {
        released("RN50", ClipConfig.resnet(1024, 224, List.of(3, 4, 6, 3), 64, 77, 49408, 512, 8, 12));
        released("RN101", ClipConfig.resnet(512, 224, List.of(3, 4, 23, 3), 64, 77, 49408, 512, 8, 12));
        released("RN50x4", ClipConfig.resnet(640, 288, List.of(4, 6, 10, 6), 80, 77, 49408, 640, 10, 12));
        released("RN50x16", ClipConfig.resnet(768, 384, List.of(6, 8, 18, 8), 96, 77, 49408, 768, 12, 12));
        released("RN50x64", ClipConfig.resnet(1024, 448, List.of(3, 15, 36, 10), 128, 77, 49408, 1024, 16, 12));
        released("ViT-B/32", ClipConfig.vit(512, 224, 12, 768, 32, 77, 49408, 512, 8, 12));
        released("ViT-B/16", ClipConfig.vit(512, 224, 12, 768, 16, 77, 49408, 512, 8, 12));
        released("ViT-L/14", ClipConfig.vit(768, 224, 24, 1024, 14, 77, 49408, 768, 12, 12));
        released("ViT-L/14@336px", ClipConfig.vit(768, 336, 24, 1024, 14, 77, 49408, 768, 12, 12));
        // small models for CPU training (full BPE vocabulary, so any text tokenizes)
        released("ViT-Tiny/7-28px", ClipConfig.vit(128, 28, 3, 128, 7, 77, 49408, 128, 2, 2));
        released("ViT-Tiny/8-32px", ClipConfig.vit(128, 32, 4, 128, 8, 77, 49408, 128, 2, 3));
        released("ViT-Small/8-64px", ClipConfig.vit(256, 64, 6, 256, 8, 77, 49408, 256, 4, 4));
        released("RN-Tiny-32px", ClipConfig.resnet(128, 32, List.of(1, 1, 1, 1), 32, 77, 49408, 128, 2, 3));
    }

    private ModelPresets() {
    }

    private static void released(String name, ClipConfig c) {
        PRESETS.put(name, c);
    }

    /** Canonical form used for lookups: lower case, '/', '@', '_' and '-' unified. */
    static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[/@_-]", "-");
    }

    public static Optional<ClipConfig> find(String name) {
        String c = canonical(name);
        return PRESETS.entrySet().stream().filter(e -> canonical(e.getKey()).equals(c))
                .map(Map.Entry::getValue).findFirst();
    }

    /** The preset of that name, or an error listing the known names. */
    public static ClipConfig get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown model preset '" + name + "'; known: " + String.join(", ", PRESETS.keySet())));
    }

    /** The canonical spelling of a preset name (e.g. "vit-b-32" gives "ViT-B/32"). */
    public static Optional<String> canonicalName(String name) {
        String c = canonical(name);
        return PRESETS.keySet().stream().filter(k -> canonical(k).equals(c)).findFirst();
    }

    public static Map<String, ClipConfig> all() {
        return Collections.unmodifiableMap(PRESETS);
    }
}
