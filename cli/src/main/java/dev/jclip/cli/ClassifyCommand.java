package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.Clip;
import dev.jclip.zeroshot.Prediction;
import dev.jclip.zeroshot.Templates;
import dev.jclip.zeroshot.ZeroShotClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip classify}: zero-shot labels for images from plain-language class names. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Zero-shot classify images: class names x prompt templates → text classifier → top-K labels.")
final class ClassifyCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;
    @Option(names = "--labels", description = "Comma-separated class names, e.g. \"cat,dog,car\".")
    String labels;

    @Option(names = "--labels-file", description = "Class names, one per line.")
    Path labelsFile;

    @Option(names = "--templates", defaultValue = "generic",
            description = "Bundled template set (${COMPLETION-CANDIDATES}) or a file with one template per line using {}.",
            completionCandidates = TemplateNames.class)
    String templates;

    @Option(names = "--top", defaultValue = "3")
    int top;

    @Option(names = "--json", description = "One JSON object per image.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<Path> images;

    static final class TemplateNames extends ArrayList<String> {
        TemplateNames() {
            super(Templates.BUNDLED);
        }
    }

    @Override
    public Integer call() throws Exception {
        List<String> names = new ArrayList<>();
        if (labels != null) {
            Arrays.stream(labels.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(names::add);
        }
        if (labelsFile != null) {
            Files.readAllLines(labelsFile).stream().map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("#"))
                    .forEach(names::add);
        }
        if (names.size() < 2) {
            throw new IllegalArgumentException("give at least two class names with --labels or --labels-file");
        }
        Clip clip = model.load();
        ZeroShotClassifier zs = clip.zeroShot(names, Templates.load(templates));
        float[][] features = clip.encodeImages(images);
        ObjectMapper m = new ObjectMapper();
        for (int i = 0; i < images.size(); i++) {
            List<Prediction> preds = zs.topK(features[i], top, clip.logitScale());
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("image", images.get(i).toString());
                List<Map<String, Object>> p = new ArrayList<>();
                for (Prediction pr : preds) {
                    p.add(Map.of("label", pr.label(), "probability", pr.probability()));
                }
                o.put("top", p);
                System.out.println(m.writeValueAsString(o));
            } else {
                System.out.println(images.get(i));
                for (Prediction pr : preds) {
                    System.out.printf("  %6.2f%%  %s%n", 100 * pr.probability(), pr.label());
                }
            }
        }
        return 0;
    }
}
