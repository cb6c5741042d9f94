package dev.jclip.cli;

import dev.jclip.Clip;
import dev.jclip.runtime.Precision;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;

/**
 * The shared model options of commands that run a released or saved model: {@code --model},
 * {@code --precision} (fp32 when absent) and {@code --threads}.
 */
final class ModelOption {
    @Option(names = {"-m", "--model"}, required = true,
            description = "Released model name (e.g. ViT-B/32; downloaded to ~/.cache/jclip on first use) or a "
                    + "checkpoint: OpenAI .pt, torch.save .pt/.bin, open_clip/jclip .safetensors, Hugging Face folder.")
    String model;

    @Mixin
    PrecisionOption precisionOption;

    @Mixin
    ThreadsOption threads;

    /** The precision asked for: fp32 unless {@code --precision} says otherwise. */
    Precision precision() {
        return precisionOption.or(Precision.FP32);
    }

    /** Applies {@code --threads}, then loads the model in its precision. */
    Clip load() throws IOException {
        threads.apply();
        return Clip.load(model, precision());
    }

    /** Kept for the commands that declare their own {@code --precision}; new code uses {@link PrecisionOption}. */
    static final class PrecisionConverter extends PrecisionOption.Converter {
    }
}
