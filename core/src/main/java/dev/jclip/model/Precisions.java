package dev.jclip.model;

import dev.jclip.runtime.Precision;
import dev.jclip.model.layers.ResidualAttentionBlock;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Small helpers the encoders share to follow the activations' precision. */
final class Precisions {
    private Precisions() {
    }

    static boolean isBf16(Tensor t) {
        return dev.jclip.tensor.Torch.isBf16(t);
    }

    /** Makes a transformer block's inference copies for {@code p}, or drops them for FP32. */
    static void prepare(ResidualAttentionBlock b, Precision p) {
        b.release();
        switch (p) {
            case BF16 -> b.prepareBf16();
            case INT8 -> b.prepareInt8();
            default -> {
            }
        }
    }
}
