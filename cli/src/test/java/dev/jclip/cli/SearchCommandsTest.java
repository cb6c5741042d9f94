package dev.jclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.search.ImageIndex;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clip index} killed with SIGKILL mid-run keeps everything it committed and the next run
 * resumes; a third run embeds nothing; {@code clip search} finds an indexed image by itself; an
 * index refuses another model.
 */
class SearchCommandsTest {
    static final int IMAGES = 160;

    static Path model() {
        return Shared.fixtures("models/vit-s/openai_state_dict.pt");
    }

    static void noise(Path dir, int n) throws Exception {
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB);
            int base = r.nextInt(0xffffff);
            for (int y = 0; y < 80; y++) {
                for (int x = 0; x < 96; x++) {
                    img.setRGB(x, y, base ^ (r.nextInt(64) * 0x010101));
                }
            }
            ImageIO.write(img, "png", dir.resolve(String.format("img%03d.png", i)).toFile());
        }
    }

    static List<String> indexArgs(Path idx, Path imgs) {
        return List.of("index", "--index", idx.toString(), "--model", model().toString(), "--batch", "8",
                "--commit-every", "16", "--threads", "1", "--quiet", imgs.toString());
    }

    @Test
    void killedIndexRunKeepsItsCommitsAndResumes(@TempDir Path tmp) throws Exception {
        Path imgs = Files.createDirectories(tmp.resolve("imgs")), idx = tmp.resolve("idx");
        noise(imgs, IMAGES);
        Process victim = KillAndResumeTest.start(indexArgs(idx, imgs), tmp.resolve("a.log"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        int seen = 0;
        while (victim.isAlive() && System.nanoTime() < deadline && seen < 32) {
            Thread.sleep(50);
            if (ImageIndex.exists(idx)) {
                try (ImageIndex ro = ImageIndex.openReadOnly(idx)) {
                    seen = ro.size();
                }
            }
        }
        assertTrue(victim.isAlive(), "the run ended before it could be killed:\n" + Files.readString(tmp.resolve("a.log")));
        victim.destroyForcibly(); // SIGKILL
        victim.waitFor();
        int kept;
        try (ImageIndex ro = ImageIndex.openReadOnly(idx)) {
            kept = ro.size();
        }
        assertTrue(kept >= seen && kept < IMAGES, "committed before the kill: " + seen + ", in the index after: " + kept);

        Process resumed = KillAndResumeTest.start(indexArgs(idx, imgs), tmp.resolve("b.log"));
        assertTrue(resumed.waitFor(3, TimeUnit.MINUTES));
        String log = Files.readString(tmp.resolve("b.log"));
        assertEquals(0, resumed.exitValue(), log);
        assertTrue(log.contains("embedded " + (IMAGES - kept) + " images (" + (IMAGES - kept) + " new"), log);
        try (ImageIndex ro = ImageIndex.openReadOnly(idx)) {
            assertEquals(IMAGES, ro.size());
        }
        System.out.printf("killed with %d of %d images committed (>= %d seen); the resumed run embedded the other %d%n",
                kept, IMAGES, seen, IMAGES - kept);

        CliRunner.Result again = CliRunner.run(indexArgs(idx, imgs).toArray(String[]::new));
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("nothing to embed: all " + IMAGES + " files unchanged"), again.out());

        String probe = imgs.resolve("img123.png").toString();
        CliRunner.Result s = CliRunner.run("search", "--index", idx.toString(), "--json", "-n", "3", "image:" + probe);
        assertEquals(0, s.exitCode(), s.err());
        JsonNode j = new ObjectMapper().readTree(s.out());
        assertEquals(probe, j.get("results").get(0).get("path").asText());
        assertEquals(1.0, j.get("results").get(0).get("score").asDouble(), 1e-4);
        assertTrue(j.get("timings_ms").has("model_load"));
        assertEquals("image tower only", j.get("model_loaded").asText(), "an image query loads only the image tower");

        CliRunner.Result t = CliRunner.run("search", "--index", idx.toString(), "--json", "-n", "3", "a photo of a cat");
        assertEquals(0, t.exitCode(), t.err());
        JsonNode tj = new ObjectMapper().readTree(t.out());
        assertEquals("text tower only", tj.get("model_loaded").asText(), "a text query loads only the text tower");
        assertEquals(3, tj.get("results").size());

        CliRunner.Result exact = CliRunner.run("search", "--index", idx.toString(), "--exact", "--paths-only", "-n", "1",
                "a photo of a cat", "+", "0.5:" + probe);
        assertEquals(0, exact.exitCode(), exact.err());
        assertEquals(1, exact.out().strip().lines().count(), exact.out());

        CliRunner.Result other = CliRunner.run("index", "--index", idx.toString(), "--model",
                Shared.fixtures("models/vit-t/openai_state_dict.pt").toString(), imgs.toString());
        assertEquals(1, other.exitCode());
        assertTrue(other.err().contains("built with model"), other.err());

        CliRunner.Result syntax = CliRunner.run("search", "--index", idx.toString(), "a", "b");
        assertEquals(1, syntax.exitCode());
        assertTrue(syntax.err().contains("missing '+' or '-'"), syntax.err());
    }
}
