package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.download.ModelCache;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelLoader;
import dev.jclip.model.ModelPresets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code clip info}: architecture, inferred configuration and parameter count of a model. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a model: architecture, configuration (inferred from the weights), parameter count.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, description = "Released model name (downloaded on first use) or a checkpoint path.")
    String model;

    @Option(names = "--preset", description = "Describe a preset architecture without weights (e.g. RN50, ViT-Tiny/8-32px).")
    String preset;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ClipModel m;
        String format, source;
        if ((model == null) == (preset == null)) {
            throw new IllegalArgumentException("give either --model or --preset");
        }
        if (preset != null) {
            m = ClipModel.shapeOnly(ModelPresets.get(preset));
            format = "preset, no weights";
            source = ModelPresets.canonicalName(preset).orElse(preset);
        } else {
            ModelLoader.Loaded l = ModelLoader.load(ModelCache.defaultCache().resolve(model));
            m = l.model();
            format = l.format();
            source = l.source().toString();
        }
        ClipConfig c = m.config();
        long params = m.parameterCount();
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("source", source);
            o.put("format", format);
            o.put("architecture", c.isVit() ? "ViT" : "ModifiedResNet");
            o.set("config", c.toJson());
            o.put("parameters", params);
            System.out.println(o.toPrettyString());
        } else {
            System.out.printf("model:        %s (%s)%n", source, format);
            System.out.printf("architecture: %s image tower, %d-layer text transformer%n",
                    c.isVit() ? "ViT-" + c.visionLayers().get(0) + "L/" + c.visionPatchSize() + " width " + c.visionWidth()
                            : "ModifiedResNet " + c.visionLayers() + " width " + c.visionWidth(),
                    c.transformerLayers());
            System.out.printf("embedding:    %d, image %dpx, context %d, vocabulary %d%n", c.embedDim(),
                    c.imageResolution(), c.contextLength(), c.vocabSize());
            System.out.printf("parameters:   %,d%n", params);
            System.out.println("config:       " + c.toJson());
        }
        return 0;
    }
}
