package dev.jclip.model.layers;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Registers parameters and buffers and returns an owning handle. libtorch's register_parameter
 * returns a reference into the module's parameter table, which later registrations may move;
 * copying the handle (a reference-count increment) keeps it valid for the module's lifetime.
 */
public final class Params {
    /** Set while a model is built only as the target of a checkpoint load (see {@link #shapesOnly()}). */
    private static final ThreadLocal<Boolean> SHAPES_ONLY = ThreadLocal.withInitial(() -> false);

    private Params() {
    }

    /**
     * While open, layers built on this thread skip their random initialization: a load overwrites
     * every tensor anyway, and filling ViT-B/32's 151M weights with uniform noise took longer than
     * reading them (1.2–1.8 s of a 3 s load).
     */
    public static Scope shapesOnly() {
        boolean before = SHAPES_ONLY.get();
        SHAPES_ONLY.set(true);
        return () -> SHAPES_ONLY.set(before);
    }

    /** A scope whose closing throws nothing. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** torch.nn's default U(-bound, bound) initialization, or uninitialized memory inside {@link #shapesOnly()}. */
    public static Tensor uniform(double bound, long... shape) {
        Tensor t = org.bytedeco.pytorch.global.torch.empty(shape);
        return SHAPES_ONLY.get() ? t : org.bytedeco.pytorch.global.torch.uniform_(t, -bound, bound);
    }

    public static Tensor parameter(Module m, String name, Tensor init) {
        return new Tensor(m.register_parameter(name, init));
    }

    public static Tensor buffer(Module m, String name, Tensor init) {
        return new Tensor(m.register_buffer(name, init));
    }

    /**
     * The version counter of {@code t} (bumped by every in-place change: a checkpoint load, an
     * optimizer step), which inference copies of a weight compare to know they are stale. An
     * inference tensor (made under InferenceMode) has none, and cannot be changed in place
     * outside that mode either, so a constant serves.
     */
    public static long version(Tensor t) {
        return t.is_inference() ? -1 : t.__dispatch__version();
    }

    /**
     * {@code t}, taken out of the caller's PointerScope (if any) so that it lives as long as the
     * layer holding it: an inference copy rebuilt during a forward pass must outlive that pass.
     */
    public static Tensor owned(Tensor t) {
        org.bytedeco.javacpp.PointerScope scope = org.bytedeco.javacpp.PointerScope.getInnerScope();
        if (scope != null) {
            t.retainReference();
            scope.detach(t);
        }
        return t;
    }
}
