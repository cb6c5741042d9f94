package dev.jclip.runtime;

import java.nio.file.Path;

/** The versions a kernel verdict depends on: jclip's own and the libtorch build it calls. */
final class Versions {
    private Versions() {
    }

    /** jclip's version from its jar manifest, or {@code dev} when run from classes. */
    static String jclip() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /** The bytedeco pytorch artifact's file name without extension, e.g. pytorch-2.10.0-1.5.13. */
    static String libtorch() {
        try {
            var src = org.bytedeco.pytorch.global.torch.class.getProtectionDomain().getCodeSource();
            String name = Path.of(src.getLocation().toURI()).getFileName().toString();
            return name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
        } catch (Exception | LinkageError e) {
            return "unknown";
        }
    }
}
