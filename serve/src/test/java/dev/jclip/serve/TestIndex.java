package dev.jclip.serve;

import dev.jclip.Clip;
import dev.jclip.search.ImageEncoder;
import dev.jclip.search.ImageIndex;
import dev.jclip.search.IndexSettings;
import dev.jclip.search.Indexer;
import dev.jclip.search.ModelFingerprint;
import dev.jclip.search.Quantization;
import dev.jclip.testing.Shared;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    static ImageIndex build(Clip clip, Path dir) throws Exception {
        IndexSettings s = new IndexSettings(model().toString(), ModelFingerprint.of(model().toString()), "fp32",
                clip.config().embedDim(), Quantization.NONE);
        try (ImageIndex w = ImageIndex.openForWriting(dir, s)) {
            new Indexer(ImageEncoder.of(clip)).run(w, List.of(images()));
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
