package dev.jclip.model.layers;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Registers parameters and buffers and returns an owning handle. libtorch's register_parameter
 * returns a reference into the module's parameter table, which later registrations may move;
 * copying the handle (a reference-count increment) keeps it valid for the module's lifetime.
 */
public final class Params {
    private Params() {
    }

    public static Tensor parameter(Module m, String name, Tensor init) {
        return new Tensor(m.register_parameter(name, init));
    }

    public static Tensor buffer(Module m, String name, Tensor init) {
        return new Tensor(m.register_buffer(name, init));
    }
}
