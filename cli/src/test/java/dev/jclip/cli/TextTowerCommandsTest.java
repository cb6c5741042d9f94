package dev.jclip.cli;

import dev.jclip.model.ModelFiles;
import dev.jclip.model.ModelLoader;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code clip train --text-tower minilm-q} trains image tower + projection; the model classifies after reloading. */
class TextTowerCommandsTest {
    @TempDir
    Path dir;
    String previousCache;

    @BeforeEach
    void privateCache() {
        previousCache = System.getProperty("jclip.cache");
        System.setProperty("jclip.cache", dir.resolve("cache").toString()); // text features land here, not in ~/.cache
    }

    @AfterEach
    void restoreCache() {
        if (previousCache == null) {
            System.clearProperty("jclip.cache");
        } else {
            System.setProperty("jclip.cache", previousCache);
        }
    }

    @Test
    void trainsWithALockedSentenceEncoderThenClassifies() throws Exception {
        Path data = Shared.path("data/cifar10/test");
        Path out = dir.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--model", "ViT-Tiny/8-32px", "--text-tower", "minilm-q",
                "--train-data", data.toString(), "--class-names", "cifar10", "--batch-size", "16", "--steps", "3",
                "--warmup", "1", "--lr", "1e-3", "--workers", "1", "--no-report", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("text tower minilm-q: 80 caption features ready"), r.err()); // 8 templates x 10 classes
        Path model = out.resolve("model.safetensors");
        assertTrue(SafeTensors.readMetadata(model).get(ModelFiles.TEXT_TOWER_KEY).contains("\"encoder\":\"minilm-q\""));
        assertEquals("minilm-q", ModelLoader.load(model).model().text().kind());
        // the caption features were cached on disk, keyed by model digest
        try (var files = Files.list(dir.resolve("cache/text-features"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("minilm-q-")));
        }
        Path img = Files.list(data.resolve("cat")).sorted().findFirst().orElseThrow();
        CliRunner.Result c = CliRunner.run("classify", "-m", model.toString(), "--labels", "cat,dog,truck", "--top", "3",
                "--json", img.toString());
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(c.out().contains("truck") && c.out().contains("dog"), c.out());

        CliRunner.Result bad = CliRunner.run("train", "--model", "ViT-Tiny/8-32px", "--text-tower", "minilm-q", "--lock-text",
                "--train-data", data.toString(), "--class-names", "cifar10", "--steps", "1", "-o", dir.resolve("x").toString());
        assertTrue(bad.exitCode() != 0 && bad.err().contains("always locked"), bad.err());
        CliRunner.Result unknown = CliRunner.run("train", "--model", "ViT-Tiny/8-32px", "--text-tower", "bert-large",
                "--train-data", data.toString(), "--steps", "1", "-o", dir.resolve("y").toString());
        assertTrue(unknown.exitCode() != 0 && unknown.err().contains("known: minilm, minilm-q"), unknown.err());
    }
}
