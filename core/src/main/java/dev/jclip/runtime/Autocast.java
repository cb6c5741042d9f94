package dev.jclip.runtime;

import org.bytedeco.pytorch.global.torch;

/**
 * A training step's compute precision for the current thread: under {@link Precision#BF16}
 * libtorch's CPU autocast runs matrix products in bfloat16 and keeps reductions such as LayerNorm
 * and the loss in float32; the weights the optimizer updates stay float32. Restores the previous
 * state on close.
 */
public final class Autocast implements AutoCloseable {
    private final boolean previous;

    private Autocast(boolean enable) {
        previous = torch.is_autocast_enabled(torch.DeviceType.CPU);
        if (enable) {
            // the weight-cast cache would go stale when the optimizer updates the weights
            torch.set_autocast_cache_enabled(false);
            torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
        }
        torch.set_autocast_enabled(torch.DeviceType.CPU, enable);
    }

    /** Enters {@code p} (resolved for training) until closed. */
    public static Autocast enter(Precision p) {
        return new Autocast(p.forTraining() == Precision.BF16);
    }

    @Override
    public void close() {
        torch.set_autocast_enabled(torch.DeviceType.CPU, previous);
    }
}
