package dev.jclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.testing.BrokenImages;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data set of 2 good photos and 4 bad files (not an image, a PNG declaring 60000 × 60000, a
 * JPEG declaring 65500 × 65500, a truncated PNG): every command that reads it counts 2 images,
 * ends with "4 skipped (list: PATH)" and lists the 4 files with their reasons there.
 */
class SkippedFilesTest {
    private static final List<String> BAD = List.of("cat/notes.png", "cat/huge.jpg", "dog/huge.png", "dog/cut.png");

    private static Path dataset(Path dir) throws Exception {
        Path images = Shared.fixtures("preprocess/images");
        Files.createDirectories(dir.resolve("cat"));
        Files.createDirectories(dir.resolve("dog"));
        Files.copy(images.resolve("chelsea.png"), dir.resolve("cat/chelsea.png"));
        Files.copy(images.resolve("rocket.jpg"), dir.resolve("dog/rocket.jpg"));
        Files.writeString(dir.resolve("cat/notes.png"), "not an image\n");
        Files.write(dir.resolve("cat/huge.jpg"), BrokenImages.jpegDeclaring(65500, 65500));
        Files.write(dir.resolve("dog/huge.png"), BrokenImages.forgedPng(60000, 60000));
        Files.write(dir.resolve("dog/cut.png"), BrokenImages.truncatedPng(300, 200));
        return dir;
    }

    private static void assertListed(Path list, Path data) throws Exception {
        List<String> lines = Files.readAllLines(list);
        assertEquals(BAD.size(), lines.size(), String.join("\n", lines));
        for (String bad : BAD) {
            String file = data.resolve(bad).toString();
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(file + "\t")), file + " not in\n" + String.join("\n", lines));
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("cut.png\ttruncated")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("huge.png\t60000 × 60000")), String.join("\n", lines));
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void zeroShotCountsTheGoodImagesAndListsTheBadOnesAlsoFromTheCache(@TempDir Path dir) throws Exception {
        Path data = dataset(dir.resolve("data"));
        Path out = dir.resolve("out");
        String[] args = {"eval", "zeroshot", "-m", Shared.fixtures("models/vit-s/openai_state_dict.pt").toString(),
                "--data", data.toString(), "--cache-dir", dir.resolve("cache").toString(), "-o", out.toString(), "-q"};
        for (int run = 0; run < 2; run++) { // the second run reads the features (and their skipped list) from the cache
            CliRunner.Result r = CliRunner.run(args);
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains(": 2 images, 2 classes"), r.out());
            assertEquals("4 skipped (list: " + out.resolve("skipped.txt") + ")", lastLine(r.out()));
            assertListed(out.resolve("skipped.txt"), data);
            JsonNode j = new ObjectMapper().readTree(out.resolve("results.json").toFile());
            assertEquals(4, j.get("skipped").asInt());
            assertEquals("skipped.txt", j.get("run").get("skipped_list").asText(), j.toString());
        }
    }

    @Test
    void makeShiftedAndTrainingListWhatTheyLeftOut(@TempDir Path dir) throws Exception {
        Path data = dataset(dir.resolve("data"));
        Path shifted = dir.resolve("gray");
        CliRunner.Result w = CliRunner.run("eval", "make-shifted", "--data", data.toString(), "--shift", "gray",
                "--size", "32", "-o", shifted.toString());
        assertEquals(0, w.exitCode(), w.err());
        assertTrue(w.out().contains("wrote 2 images"), w.out());
        assertEquals("4 skipped (list: " + shifted.resolve("skipped.txt") + ")", lastLine(w.out()));
        assertListed(shifted.resolve("skipped.txt"), data);

        Path run = dir.resolve("run");
        CliRunner.Result t = CliRunner.run("train", "--model", "ViT-Tiny/8-32px", "--train-data", data.toString(),
                "--batch-size", "2", "--steps", "2", "--warmup", "1", "--workers", "1", "--threads", "1",
                "--save-every", "100", "--no-report", "-o", run.toString());
        assertEquals(0, t.exitCode(), t.err());
        assertEquals("4 skipped (list: " + run.resolve("skipped.txt") + ")", lastLine(t.out()));
        assertListed(run.resolve("skipped.txt"), data);
    }

    @Test
    void trainingRefusesAZeroShotSetWithNoReadableImage(@TempDir Path dir) throws Exception {
        Path data = dataset(dir.resolve("data"));
        // class folders of dangling links, as a split tree left behind when its target moved
        Path eval = dir.resolve("eval");
        for (String c : new String[]{"a", "b"}) {
            Files.createDirectories(eval.resolve(c));
            Files.createSymbolicLink(eval.resolve(c).resolve("x.jpg"), dir.resolve("gone").resolve(c + ".jpg"));
        }
        Path run = dir.resolve("run");
        CliRunner.Result t = CliRunner.run("train", "--model", "ViT-Tiny/8-32px", "--train-data", data.toString(),
                "--batch-size", "2", "--steps", "2", "--warmup", "1", "--workers", "1", "--threads", "1",
                "--zeroshot-data", eval.toString(), "--save-every", "100", "--no-report", "-o", run.toString());
        assertTrue(t.exitCode() != 0, t.out());
        assertTrue(t.err().contains("--zeroshot-data " + eval + ": no readable image (2 skipped"), t.err());
        assertTrue(Files.notExists(run.resolve("model.safetensors")));
    }

    @Test
    void embedNamesATruncatedImage(@TempDir Path dir) throws Exception {
        Path cut = dir.resolve("cut.jpg");
        byte[] jpg = Files.readAllBytes(Shared.fixtures("preprocess/images/rocket.jpg"));
        Files.write(cut, java.util.Arrays.copyOf(jpg, jpg.length / 2));
        Path out = dir.resolve("f.npy");
        CliRunner.Result r = CliRunner.run("embed", "-m", Shared.fixtures("models/vit-s/openai_state_dict.pt").toString(),
                "--images", cut.toString(), "--out", out.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.err().contains(cut.toString()) && r.err().contains("truncated"), r.err());
        assertTrue(Files.notExists(out));
    }
}
