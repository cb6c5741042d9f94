package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.download.ModelCache;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelLoader;
import dev.jclip.model.ModelPresets;
import dev.jclip.model.SentenceEncoderTower;
import dev.jclip.train.Locking;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code clip train}'s model: which architecture or checkpoint, which text tower, and which parts stay locked. */
final class TrainModelOptions {
    @Option(names = "--model", description = "Architecture preset (e.g. ViT-B/32, ViT-Tiny/7-28px, RN-Tiny-32px).")
    String model;
    @Option(names = "--model-config", description = "Architecture as JSON text or file (reference names).")
    String modelConfig;
    @Option(names = "--pretrained", description = "Fine-tune from a checkpoint or released model name.")
    String pretrained;
    @Option(names = "--text-tower", defaultValue = "clip", description = "clip (CLIP's own transformer, trained), "
            + "or a locked pretrained sentence encoder behind a trainable projection: minilm (all-MiniLM-L6-v2), "
            + "minilm-q (its int8 variant). Default: ${DEFAULT-VALUE}.")
    String textTower;
    @Option(names = "--lock-text-projection", description = "With a sentence-encoder text tower: fix its projection "
            + "to the identity (needs embed_dim = its feature size, 384), so the image tower learns to map into the "
            + "encoder's own space.")
    boolean lockTextProjection;
    @Option(names = "--lock-image", description = "Freeze the image tower (LiT).")
    boolean lockImage;
    @Option(names = "--lock-image-unlocked-groups", defaultValue = "0")
    int lockImageUnlocked;
    @Option(names = "--lock-text", description = "Freeze the text tower.")
    boolean lockText;
    @Option(names = "--lock-text-unlocked-layers", defaultValue = "0")
    int lockTextUnlocked;

    /** Builds (or loads) the model and locks what the options say; refuses combinations that cannot train. */
    ClipModel build() throws IOException {
        ClipModel clip = create();
        if (lockImage) {
            Locking.lockImage(clip, lockImageUnlocked);
        }
        if (lockText) {
            if (clip.sentenceTower() != null) {
                throw new IllegalArgumentException("--lock-text: the sentence encoder " + clip.text().kind()
                        + " is always locked; only its projection trains");
            }
            Locking.lockText(clip, lockTextUnlocked);
        }
        if (lockTextProjection) {
            if (clip.sentenceTower() == null) {
                throw new IllegalArgumentException("--lock-text-projection needs a sentence-encoder --text-tower (minilm, minilm-q)");
            }
            clip.sentenceTower().lockIdentity();
        }
        return clip;
    }

    private ClipModel create() throws IOException {
        boolean sentence = !textTower.equalsIgnoreCase("clip");
        if (pretrained != null) {
            ClipModel m = ModelLoader.load(ModelCache.defaultCache().resolve(pretrained)).model();
            if (!m.text().kind().equalsIgnoreCase(textTower) && (sentence || m.sentenceTower() != null)) {
                throw new IllegalArgumentException("--text-tower " + textTower + " but " + pretrained
                        + " has the text tower " + m.text().kind());
            }
            return m;
        }
        ClipConfig config = modelConfig != null ? ClipConfig.fromJson(new ObjectMapper().readTree(
                Files.isRegularFile(Path.of(modelConfig)) ? Files.readString(Path.of(modelConfig)) : modelConfig))
                : model != null ? ModelPresets.get(model) : null;
        if (sentence) {
            if (config == null) {
                throw new IllegalArgumentException("give --model PRESET or --model-config JSON for the image tower");
            }
            return ClipModel.withSentenceEncoder(config, SentenceEncoderTower.Spec.named(textTower));
        }
        if (config == null) {
            throw new IllegalArgumentException("give --model PRESET, --model-config JSON or --pretrained CHECKPOINT");
        }
        return new ClipModel(config);
    }
}
