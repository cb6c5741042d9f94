package dev.jclip.cli;

import dev.jclip.Clip;
import picocli.CommandLine.Option;

import java.io.IOException;

/** The shared {@code --model} option: a released model name (downloaded once into the cache) or a checkpoint path. */
final class ModelOption {
    @Option(names = {"-m", "--model"}, required = true,
            description = "Released model name (e.g. ViT-B/32; downloaded to ~/.cache/jclip on first use) or a "
                    + "checkpoint: OpenAI .pt, torch.save .pt/.bin, open_clip/jclip .safetensors, Hugging Face folder.")
    String model;

    Clip load() throws IOException {
        return Clip.load(model);
    }
}
