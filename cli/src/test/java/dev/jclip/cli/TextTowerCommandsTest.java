package dev.jclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.Clip;
import dev.jclip.model.ModelFiles;
import dev.jclip.model.ModelLoader;
import dev.jclip.search.ImageIndex;
import dev.jclip.zeroshot.Vectors;
import dev.jclip.serve.SearchServer;
import dev.jclip.serve.ServerConfig;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clip train --text-tower minilm-q} trains image tower + projection; after reloading, the
 * model classifies, indexes and searches, and serves text vectors.
 */
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

        // search and serve with the model: the index holds image vectors, queries go through the sentence tower
        Path idx = dir.resolve("idx");
        List<String> indexArgs = new ArrayList<>(List.of("index", "--index", idx.toString(), "-m", model.toString(), "--quiet"));
        for (String cls : new String[]{"cat", "truck"}) {
            try (var s = Files.list(data.resolve(cls))) {
                s.sorted().limit(2).forEach(p -> indexArgs.add(p.toString()));
            }
        }
        CliRunner.Result ix = CliRunner.run(indexArgs.toArray(String[]::new));
        assertEquals(0, ix.exitCode(), ix.err());
        CliRunner.Result q = CliRunner.run("search", "--index", idx.toString(), "--json", "-n", "4", "a photo of a truck");
        assertEquals(0, q.exitCode(), q.err());
        JsonNode found = new ObjectMapper().readTree(q.out());
        assertEquals(4, found.get("results").size(), q.out());
        assertEquals("text tower only", found.get("model_loaded").asText(), q.out());
        try (Clip clip = Clip.load(model.toString()); ImageIndex index = ImageIndex.openReadOnly(idx);
             SearchServer server = SearchServer.start(clip, index, "minilm-q model",
                     ServerConfig.defaults().withHostPort("127.0.0.1", 0))) {
            HttpResponse<String> v = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/vectorize"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"texts\":[\"a photo of a truck\"]}"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, v.statusCode(), v.body());
            JsonNode got = new ObjectMapper().readTree(v.body()).get("textVectors").get(0);
            float[] want = Vectors.normalized(clip.encodeTexts(List.of("a photo of a truck"))[0]);
            assertEquals(want.length, got.size());
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got.get(i).floatValue(), 1e-5);
            }
        }

        CliRunner.Result bad = CliRunner.run("train", "--model", "ViT-Tiny/8-32px", "--text-tower", "minilm-q", "--lock-text",
                "--train-data", data.toString(), "--class-names", "cifar10", "--steps", "1", "-o", dir.resolve("x").toString());
        assertTrue(bad.exitCode() != 0 && bad.err().contains("always locked"), bad.err());
        CliRunner.Result unknown = CliRunner.run("train", "--model", "ViT-Tiny/8-32px", "--text-tower", "bert-large",
                "--train-data", data.toString(), "--steps", "1", "-o", dir.resolve("y").toString());
        assertTrue(unknown.exitCode() != 0 && unknown.err().contains("known: minilm, minilm-q"), unknown.err());
    }
}
