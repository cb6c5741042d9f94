package dev.jclip.cli;

import dev.jclip.Clip;
import dev.jclip.runtime.Precision;
import picocli.CommandLine.Option;

import java.io.IOException;

/** The shared {@code --model} option: a released model name (downloaded once into the cache) or a checkpoint path. */
final class ModelOption {
    @Option(names = {"-m", "--model"}, required = true,
            description = "Released model name (e.g. ViT-B/32; downloaded to ~/.cache/jclip on first use) or a "
                    + "checkpoint: OpenAI .pt, torch.save .pt/.bin, open_clip/jclip .safetensors, Hugging Face folder.")
    String model;

    @Option(names = "--precision", defaultValue = "fp32", converter = PrecisionConverter.class,
            description = "fp32 (reference), bf16 (CPU matrix engine), int8 (quantized linear layers) or auto "
                    + "(bf16 where the CPU has AMX/AVX512-BF16, else fp32). Default: ${DEFAULT-VALUE}.")
    Precision precision;

    Clip load() throws IOException {
        return Clip.load(model, precision);
    }

    static final class PrecisionConverter implements picocli.CommandLine.ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return Precision.parse(value);
        }
    }
}
