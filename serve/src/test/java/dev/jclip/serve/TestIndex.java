package dev.jclip.serve;

import dev.jclip.Clip;
import dev.jclip.search.CaptionSource;
import dev.jclip.search.ImageEncoder;
import dev.jclip.search.ImageIndex;
import dev.jclip.search.IndexSettings;
import dev.jclip.search.Indexer;
import dev.jclip.search.ModelFingerprint;
import dev.jclip.search.Quantization;
import dev.jclip.search.TextEncoder;
import dev.jclip.testing.Shared;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The vit-s fixture model and an index of the fixture photographs, for the server tests. */
final class TestIndex {
    private TestIndex() {
    }

    static Path model() {
        return Shared.fixtures("models/vit-s/openai_state_dict.pt");
    }

    static Path images() {
        return Shared.fixtures("preprocess/images");
    }

    /** Captions of four of the fixture photographs (the others have none). */
    static final Map<String, String> CAPTIONS = Map.of(
            "chelsea.png", "a tabby cat named chelsea lying down",
            "coffee.png", "a cup of coffee on a saucer",
            "horse.png", "the black silhouette of a horse",
            "rocket.jpg", "a rocket on the launch pad");
    /** A text collection indexed beside the images. */
    static final List<String> TEXTS = List.of("the quick brown fox", "an apple a day keeps the doctor away");

    /** The fixture photographs with {@link #CAPTIONS} (from a CSV) and {@link #TEXTS} (a text file beside {@code dir}). */
    static ImageIndex build(Clip clip, Path dir) throws Exception {
        IndexSettings s = new IndexSettings(model().toString(), ModelFingerprint.of(model().toString()), "fp32",
                clip.config().embedDim(), Quantization.NONE);
        Files.createDirectories(dir.toAbsolutePath().getParent());
        Path csv = dir.resolveSibling("captions.csv"), texts = dir.resolveSibling("texts.txt");
        StringBuilder rows = new StringBuilder("path,caption\n");
        new TreeMap<>(CAPTIONS).forEach((f, c) -> rows.append(images().resolve(f)).append(',').append(c).append('\n'));
        Files.writeString(csv, rows);
        Files.write(texts, TEXTS);
        try (ImageIndex w = ImageIndex.openForWriting(dir, s)) {
            new Indexer(ImageEncoder.of(clip)).captions(CaptionSource.open(csv.toString()), TextEncoder.of(clip))
                    .texts(List.of(texts), "text", TextEncoder.of(clip)).run(w, List.of(images()));
        }
        return ImageIndex.openReadOnly(dir);
    }

    static Path anyImage(String name) {
        Path p = images().resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("fixture image missing: " + p);
        }
        return p;
    }
}
