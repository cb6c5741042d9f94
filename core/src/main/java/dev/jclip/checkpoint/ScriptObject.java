package dev.jclip.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An instance of a TorchScript class ({@code __torch__.*}) as stored in a TorchScript archive:
 * only its class name and attributes. It is an inert container; the class's code is never run.
 */
public final class ScriptObject {
    private final String className;
    private final Map<String, Object> attributes = new LinkedHashMap<>();

    ScriptObject(String className) {
        this.className = className;
    }

    /** The qualified TorchScript class name, e.g. {@code __torch__.clip.model.CLIP}. */
    public String className() {
        return className;
    }

    /** Attributes in the order the archive lists them (submodules, tensors, plain values). */
    public Map<String, Object> attributes() {
        return Collections.unmodifiableMap(attributes);
    }

    void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public String toString() {
        return "ScriptObject[" + className + "]";
    }
}
