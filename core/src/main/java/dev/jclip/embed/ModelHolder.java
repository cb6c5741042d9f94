package dev.jclip.embed;

import dev.jclip.Clip;
import dev.jclip.runtime.Precision;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One loaded model per JVM and (model, precision): a Spark executor runs many tasks, and loading
 * the weights (and libtorch's native libraries, which load once per JVM anyway) for each would
 * dominate small partitions. Inference is read-only, so concurrent tasks share the instance.
 */
public final class ModelHolder {
    private static final Map<String, Clip> MODELS = new HashMap<>();
    private static int loads;

    private ModelHolder() {
    }

    /** The model, loaded on first use in this JVM. */
    public static synchronized Clip get(String model, String precision) throws IOException {
        String key = model + "\u0000" + precision;
        Clip c = MODELS.get(key);
        if (c == null) {
            c = Clip.load(model, Precision.parse(precision));
            MODELS.put(key, c);
            loads++;
        }
        return c;
    }

    /** How many times this JVM loaded a model (for tests and logs). */
    public static synchronized int loads() {
        return loads;
    }
}
