package dev.jclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One small run of each {@code clip eval} subcommand on the vit-s fixture model and a few real images. */
class EvalCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String model() {
        return Shared.fixtures("models/vit-s/openai_state_dict.pt").toString();
    }

    private static JsonNode results(Path dir, String... files) throws Exception {
        for (String f : files) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f + " missing in " + dir);
        }
        assertTrue(Files.readString(dir.resolve("report.html")).contains("<img src=\"data:image/png;base64,"));
        return JSON.readTree(dir.resolve("results.json").toFile());
    }

    @Test
    void zeroshotTwiceReadsTheCacheTheSecondTime(@TempDir Path dir) throws Exception {
        String[] args = {"eval", "zeroshot", "-m", model(), "--data", Shared.path("data/cifar10/test").toString(),
                "--limit", "20", "--cache-dir", dir.resolve("cache").toString(), "-o", dir.resolve("out").toString(), "-q"};
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("features: 0 from cache, 2 computed"), r.out());
        JsonNode j = results(dir.resolve("out"), "report.html", "confusion.png", "per_class_accuracy.png");
        assertEquals("zeroshot", j.get("task").asText());
        assertEquals(20, j.get("images").asInt());
        assertEquals(10, j.get("confusion").size());
        assertEquals(10, j.get("per_class_accuracy").size());
        double top1 = j.get("top1").asDouble();
        assertTrue(top1 <= j.get("top5").asDouble());

        CliRunner.Result again = CliRunner.run(args);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("features: 2 from cache, 0 computed"), again.out());
        assertEquals(top1, JSON.readTree(dir.resolve("out/results.json").toFile()).get("top1").asDouble(), 0);
    }

    @Test
    void zeroshotCalibratedOnOtherImages(@TempDir Path dir) throws Exception {
        Path ref = dir.resolve("ref/any");
        Files.createDirectories(ref);
        try (var s = Files.list(Shared.path("data/cifar10/test/ship"))) {
            for (Path p : s.sorted().skip(500).limit(12).toList()) {
                Files.createSymbolicLink(ref.resolve(p.getFileName()), p);
            }
        }
        String[] args = {"eval", "zeroshot", "-m", model(), "--data", Shared.path("data/cifar10/test").toString(),
                "--limit", "20", "--calibrate-on", ref.getParent().toString(), "--cache-dir", dir.resolve("cache").toString(),
                "-o", dir.resolve("out").toString(), "-q"};
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = results(dir.resolve("out"), "report.html");
        assertEquals(ref.getParent().toString(), j.get("run").get("calibrate_on").asText(), j.toString());
        assertEquals(20, j.get("images").asInt());

        Path one = dir.resolve("one/any");
        Files.createDirectories(one);
        Files.createSymbolicLink(one.resolve("a.jpg"), Files.list(ref).sorted().findFirst().orElseThrow());
        args[9] = one.getParent().toString();
        CliRunner.Result bad = CliRunner.run(args);
        assertTrue(bad.exitCode() != 0 && bad.err().contains("it needs at least two"), bad.err());
    }

    @Test
    void linearProbeOnShardsAgainstFolders(@TempDir Path dir) throws Exception {
        CliRunner.Result r = CliRunner.run("eval", "linear-probe", "-m", model(),
                "--train", Shared.path("data/cifar10/train-shards/cifar10-train-000000.tar.gz").toString(),
                "--class-names", Shared.path("data/cifar10/classes.txt").toString(),
                "--test", Shared.path("data/cifar10/test").toString(), "--limit-train", "60", "--limit", "20",
                "--shots", "1,2,all", "--draws", "2", "--lambda-grid=-2:2:1:0.5",
                "--cache-dir", dir.resolve("cache").toString(), "-o", dir.resolve("out").toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = results(dir.resolve("out"), "kshot.png");
        assertEquals("linear-probe", j.get("task").asText());
        assertEquals(60, j.get("train_images").asInt());
        JsonNode points = j.get("points");
        assertEquals(3, points.size());
        assertEquals("1", points.get(0).get("shots").asText());
        assertEquals(2, points.get(0).get("runs").size());
        assertEquals("all", points.get(2).get("shots").asText());
        assertTrue(j.get("zeroshot_top1").isNumber());
        assertTrue(j.get("effective_shots").get("shots").asDouble() > 0);
    }

    @Test
    void retrievalOnCocoCaptions(@TempDir Path dir) throws Exception {
        CliRunner.Result r = CliRunner.run("eval", "retrieval", "-m", model(),
                "--data", Shared.path("data/coco-mini/annotations/captions_val2017.json").toString(), "--limit", "8",
                "--cache-dir", dir.resolve("cache").toString(), "-o", dir.resolve("out").toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = results(dir.resolve("out"), "recall.png");
        assertEquals(8, j.get("images").asInt());
        assertTrue(j.get("captions").asInt() >= 40);
        // 8 images: recall@10 of image→text over ~40 captions need not be 1, but text→image over 8 images is
        assertEquals(1.0, j.get("text_to_image").get("recall@10").asDouble(), 0);
        double mr = j.get("image_to_text").get("mean_rank").asDouble();
        assertTrue(mr >= 1 && mr <= j.get("captions").asInt(), "mean rank " + mr);
    }

    @Test
    void robustnessWithSyntheticAndWrittenShifts(@TempDir Path dir) throws Exception {
        Path shifted = dir.resolve("gray");
        CliRunner.Result w = CliRunner.run("eval", "make-shifted", "--data", Shared.path("data/cifar10/test").toString(),
                "--shift", "gray", "--size", "64", "--limit", "20", "-o", shifted.toString());
        assertEquals(0, w.exitCode(), w.err());
        assertTrue(w.out().contains("wrote 20 images"), w.out());
        assertTrue(Files.isRegularFile(shifted.resolve("classes.txt")));
        try (var s = Files.list(shifted.resolve("cat"))) {
            assertEquals(2, s.count());
        }

        CliRunner.Result r = CliRunner.run("eval", "robustness", "-m", model(),
                "--train", Shared.path("data/cifar10/test").toString(), "--limit-train", "60",
                "--shifted", shifted.toString(), "--shift", "blur,noise:0.2", "--lambda-grid=-2:2:1:1",
                "--cache-dir", dir.resolve("cache").toString(), "-o", dir.resolve("out").toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = results(dir.resolve("out"), "robustness.png");
        assertEquals(40, j.get("train_images").asInt()); // 6 per class, round(30%) = 2 of each held out
        assertEquals(20, j.get("test_images").asInt());
        assertEquals(3, j.get("shifted").size());
        assertEquals("blur", j.get("shifted").get(1).get("set").asText());
        JsonNode id = j.get("in_distribution"), blur = j.get("shifted").get(1);
        assertEquals(id.get("probe_top1").asDouble() - blur.get("probe_top1").asDouble(), blur.get("probe_gap").asDouble(), 1e-12);
        assertTrue(j.get("average").has("gap_closed_by_zeroshot"));
    }

    @Test
    void evalWithoutSubcommandShowsUsage() {
        CliRunner.Result r = CliRunner.run("eval");
        assertEquals(0, r.exitCode(), r.err());
        for (String sub : new String[]{"zeroshot", "linear-probe", "retrieval", "robustness", "make-shifted"}) {
            assertTrue(r.out().contains(sub), r.out());
        }
    }
}
