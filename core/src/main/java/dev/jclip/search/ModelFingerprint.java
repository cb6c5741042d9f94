package dev.jclip.search;

import dev.jclip.download.ModelCache;
import dev.jclip.eval.Fingerprint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The identity of a model for an index: the checkpoint's name, size, modification time and its
 * first and last mebibyte ({@link Fingerprint#addModel}), without hashing the whole file.
 */
public final class ModelFingerprint {
    private ModelFingerprint() {
    }

    /** The fingerprint of a released model name (downloaded if needed) or a checkpoint path. */
    public static String of(String nameOrPath) throws IOException {
        Path p = ModelCache.defaultCache().resolve(nameOrPath);
        return new Fingerprint().add("jclip.search.model", 1).addModel(p).hex();
    }

    /** How the index should record the model: a released name as given, a file as its absolute path. */
    public static String recordedName(String nameOrPath) {
        Path p = Path.of(nameOrPath);
        return java.nio.file.Files.exists(p) ? p.toAbsolutePath().normalize().toString() : nameOrPath;
    }
}
