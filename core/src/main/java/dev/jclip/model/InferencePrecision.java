package dev.jclip.model;

import org.bytedeco.pytorch.global.torch;

/** Thread-local bf16 autocast for inference; restores the previous state on close. */
final class InferencePrecision {
    private InferencePrecision() {
    }

    static Scope bf16() {
        return new Scope();
    }

    static final class Scope implements AutoCloseable {
        private final boolean previous;

        Scope() {
            previous = torch.is_autocast_enabled(torch.DeviceType.CPU);
            torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
            torch.set_autocast_enabled(torch.DeviceType.CPU, true);
        }

        @Override
        public void close() {
            torch.set_autocast_enabled(torch.DeviceType.CPU, previous);
        }
    }
}
