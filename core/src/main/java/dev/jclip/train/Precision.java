package dev.jclip.train;

import org.bytedeco.pytorch.global.torch;

import java.util.Locale;

/**
 * Compute precision of the forward passes. Weights (the master copy the optimizer updates)
 * always stay float32; bf16 autocast runs matrix products in bfloat16 and keeps reductions such
 * as LayerNorm and the loss in float32.
 */
public enum Precision {
    FP32, BF16;

    /**
     * Parses fp32 or bf16; {@code auto} is bf16 where the CPU runs bf16 matrix products natively
     * (see {@link dev.jclip.model.Precision#resolve()}) and fp32 elsewhere.
     */
    public static Precision parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> FP32;
            case "bf16", "bfloat16", "amp_bf16", "amp-bf16" -> BF16;
            case "auto" -> dev.jclip.model.Precision.AUTO.resolve() == dev.jclip.model.Precision.BF16 ? BF16 : FP32;
            default -> throw new IllegalArgumentException("unknown training precision '" + s + "' (fp32, bf16, auto)");
        };
    }

    /** Enters this precision for the current thread until the scope is closed. */
    public Scope enter() {
        return new Scope(this == BF16);
    }

    /** Autocast on/off for the CPU device; restores the previous state on close. */
    public static final class Scope implements AutoCloseable {
        private final boolean previous;

        Scope(boolean enable) {
            previous = torch.is_autocast_enabled(torch.DeviceType.CPU);
            if (enable) {
                // the weight-cast cache would go stale when the optimizer updates the weights
                torch.set_autocast_cache_enabled(false);
                torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
            }
            torch.set_autocast_enabled(torch.DeviceType.CPU, enable);
        }

        @Override
        public void close() {
            torch.set_autocast_enabled(torch.DeviceType.CPU, previous);
        }
    }
}
