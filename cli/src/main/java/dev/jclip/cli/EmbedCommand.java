package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.Clip;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.Npy;
import dev.jclip.tensor.SafeTensors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip embed}: unnormalized image or text features to safetensors, .npy or JSON lines. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Write unnormalized image_features or text_features (F32) to OUT (.safetensors, .npy or .jsonl).")
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;
    static final class Input {
        @Option(names = "--images", arity = "1..*", description = "Image files.")
        List<Path> images;
        @Option(names = "--texts", arity = "1..*", description = "Texts.")
        List<String> texts;
        @Option(names = "--pixels", description = "Safetensors file with a 'pixels' tensor [N,3,R,R] (normalized).")
        Path pixels;
        @Option(names = "--tokens", description = "Safetensors file with a 'tokens' tensor [N,77] (I64).")
        Path tokens;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--out", required = true, description = "Output file: .safetensors, .npy or .jsonl.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Clip clip = model.load();
        float[][] f;
        String key;
        if (input.images != null) {
            f = clip.encodeImages(input.images);
            key = "image_features";
        } else if (input.pixels != null) {
            f = clip.encodePixels(tensor(input.pixels, "pixels"));
            key = "image_features";
        } else if (input.texts != null) {
            f = clip.encodeTexts(input.texts);
            key = "text_features";
        } else {
            f = clip.encodeTokens(tensor(input.tokens, "tokens"));
            key = "text_features";
        }
        write(out, key, f);
        System.out.printf("wrote %s [%d, %d] to %s%n", key, f.length, f.length == 0 ? 0 : f[0].length, out);
        return 0;
    }

    static HostTensor tensor(Path file, String name) throws Exception {
        Map<String, HostTensor> all = SafeTensors.read(file);
        HostTensor t = all.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + " has no tensor '" + name + "' (it has " + all.keySet() + ")");
        }
        return t;
    }

    static void write(Path out, String key, float[][] f) throws Exception {
        String name = out.getFileName().toString();
        if (name.endsWith(".npy")) {
            Npy.writeFloats(out, f);
        } else if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            ObjectMapper m = new ObjectMapper();
            try (BufferedWriter w = Files.newBufferedWriter(out)) {
                for (float[] row : f) {
                    w.write(m.writeValueAsString(Map.of(key, row)));
                    w.newLine();
                }
            }
        } else {
            float[] flat = new float[f.length * (f.length == 0 ? 0 : f[0].length)];
            for (int i = 0; i < f.length; i++) {
                System.arraycopy(f[i], 0, flat, i * f[i].length, f[i].length);
            }
            SafeTensors.write(out, Map.of(key, HostTensor.ofFloats(flat, f.length, f.length == 0 ? 0 : f[0].length)));
        }
    }
}
