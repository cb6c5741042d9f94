package dev.jclip.examples;

import dev.jclip.Clip;
import dev.jclip.zeroshot.Prediction;
import dev.jclip.zeroshot.Templates;
import dev.jclip.zeroshot.ZeroShotClassifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's Java examples, compiled with the tests. The README quotes the lines between each
 * {@code // README <name>} and {@code // README end} marker verbatim (ReadmeExamplesTest checks
 * it), so an example that stops compiling breaks the build instead of misleading a reader.
 */
final class ReadmeExamples {
    private ReadmeExamples() {
    }

    static void library() throws IOException {
        // README library
        try (Clip clip = Clip.load("ViT-B/32")) {                   // or a path to any checkpoint
            float[][] images = clip.encodeImages(List.of(Path.of("cat.jpg")));
            float[][] texts = clip.encodeTexts(List.of("a cat", "a dog"));
            float[][] sim = Clip.similarity(Clip.normalized(images), Clip.normalized(texts));
            ZeroShotClassifier zs = clip.zeroShot(List.of("cat", "dog"), Templates.load("generic"));
            List<Prediction> top = zs.topK(images[0], 2, clip.logitScale());
            System.out.println(top.get(0).label() + ", similarity to 'a cat' " + sim[0][0]);
        }                                                           // frees the model's native memory
        // README end
    }

    static void manyModels(List<String> checkpoints) throws IOException {
        // README many-models
        for (String checkpoint : checkpoints) {
            try (Clip clip = Clip.load(checkpoint)) {
                System.out.println(checkpoint + ": " + clip.encodeTexts(List.of("a photo of a cat"))[0].length + " dims");
            }                                                       // the model's native memory is freed here
        }
        // README end
    }
}
