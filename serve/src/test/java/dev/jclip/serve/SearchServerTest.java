package dev.jclip.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.Clip;
import dev.jclip.search.ImageIndex;
import dev.jclip.search.IndexEntry;
import dev.jclip.zeroshot.Vectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint over loopback, with the vit-s fixture model and an index of the fixture photographs. */
class SearchServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    static Path tmp;
    static Clip clip;
    static ImageIndex index;
    static SearchServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        clip = Clip.load(TestIndex.model().toString());
        index = TestIndex.build(clip, tmp.resolve("idx"));
        ServerConfig cfg = new ServerConfig("127.0.0.1", 0, null, 1 << 20, 64, 4, 500, 100, 32, 5, "fixtures");
        server = SearchServer.start(clip, index, "vit-s", cfg);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (index != null) {
            index.close();
        }
    }

    record Reply(int status, String body, String type) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Reply get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    static Reply post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    static Reply send(HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    static String b64(Path p) throws Exception {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(p));
    }

    static void assertError(int status, Reply r, String fragment) throws Exception {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.type().startsWith("application/json"), "JSON error, got " + r.type() + ": " + r.body());
        assertTrue(r.json().get("error").asText().contains(fragment), r.body());
    }

    @Test
    void weaviateContractGivesTheModelsNormalizedVectors() throws Exception {
        assertEquals(204, get("/.well-known/live").status());
        assertEquals(204, get("/.well-known/ready").status());
        assertEquals(64, get("/meta").json().get("embed_dim").asInt());
        Path img = TestIndex.anyImage("chelsea.png");
        Reply r = post("/vectorize", "{\"texts\":[\"a photo of a cat\",\"a dog\"],\"images\":[\"" + b64(img) + "\"]}");
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals(2, j.get("textVectors").size());
        assertEquals(1, j.get("imageVectors").size());
        float[] want = Vectors.normalized(clip.encodeTexts(List.of("a photo of a cat"))[0]);
        float[] wantImg = Vectors.normalized(clip.encodeImages(List.of(img))[0]);
        for (int i = 0; i < 64; i++) {
            assertEquals(want[i], j.get("textVectors").get(0).get(i).floatValue(), 1e-5);
            assertEquals(wantImg[i], j.get("imageVectors").get(0).get(i).floatValue(), 1e-5);
        }
    }

    @Test
    void clipRetrievalContractFindsAnIndexedImageByItself() throws Exception {
        assertEquals("[\"fixtures\"]", get("/indices-list").body());
        Path img = TestIndex.anyImage("astronaut.png");
        Reply r = post("/knn-service", "{\"image\":\"" + b64(img) + "\",\"modality\":\"image\",\"num_images\":3,"
                + "\"num_result_ids\":10,\"indice_name\":\"fixtures\",\"deduplicate\":true,\"use_mclip\":false}");
        assertEquals(200, r.status(), r.body());
        JsonNode first = r.json().get(0);
        assertEquals(img.toString(), first.get("image_path").asText());
        assertEquals(1.0, first.get("similarity").asDouble(), 1e-4);
        assertTrue(r.json().size() <= 3);
        long id = first.get("id").asLong();
        JsonNode meta = post("/metadata", "{\"ids\":[" + id + ", 987654],\"indice_name\":\"fixtures\"}").json();
        assertEquals(1, meta.size(), "unknown ids are left out");
        assertEquals("astronaut.png", meta.get(0).get("metadata").get("caption").asText());
        Reply thumb = send(HttpRequest.newBuilder(URI.create(first.get("url").asText())).GET());
        assertEquals(200, thumb.status());
        assertEquals("image/jpeg", thumb.type());
        Reply text = post("/knn-service", "{\"text\":\"an astronaut\",\"num_images\":2,\"deduplicate\":false}");
        assertEquals(2, text.json().size(), text.body());
        double[] emb = new double[64];
        emb[0] = 1;
        assertEquals(200, post("/knn-service", "{\"embedding_input\":" + JSON.writeValueAsString(emb) + "}").status());
    }

    @Test
    void ownSearchApiAndMoreLikeThis() throws Exception {
        IndexEntry e = index.entries().get(TestIndex.anyImage("coffee.png").toString());
        Reply r = post("/api/search", "{\"terms\":[{\"id\":" + e.id() + "}],\"n\":5}");
        assertEquals(200, r.status(), r.body());
        assertEquals(e.id(), r.json().get("results").get(0).get("id").asLong());
        assertEquals("/api/thumb/" + e.id(), r.json().get("results").get(0).get("thumb").asText());
        Reply mixed = post("/api/search", "{\"terms\":[{\"text\":\"a cup of coffee\"},{\"id\":" + e.id() + ",\"weight\":-0.5}],\"n\":4}");
        assertEquals(4, mixed.json().get("results").size(), mixed.body());
        assertEquals(index.size(), get("/api/stats").json().get("images").asInt());
    }

    @Test
    void textsCaptionsFiltersAndHybridRanking() throws Exception {
        IndexEntry coffee = index.entries().get(TestIndex.anyImage("coffee.png").toString());
        Reply t = post("/knn-service", "{\"text\":\"a cup of coffee on a saucer\",\"modality\":\"text\",\"num_images\":3}");
        assertEquals(200, t.status(), t.body());
        JsonNode first = t.json().get(0);
        assertEquals("a cup of coffee on a saucer", first.get("caption").asText(), "text → text finds the caption itself");
        assertEquals(1.0, first.get("similarity").asDouble(), 1e-4);
        assertEquals(coffee.path(), first.get("image_path").asText(), "a caption leads to its image");
        assertTrue(first.get("url").asText().endsWith("/api/thumb/" + coffee.id()), first.toString());
        Reply imageToText = post("/knn-service", "{\"image\":\"" + b64(TestIndex.anyImage("coffee.png"))
                + "\",\"modality\":\"text\",\"num_images\":6,\"deduplicate\":false}");
        assertEquals(6, imageToText.json().size(), "image → text: every caption and text is a candidate: " + imageToText.body());

        Reply jpg = post("/knn-service", "{\"text\":\"a photo\",\"num_images\":4,\"deduplicate\":false,\"where\":[\"ext:jpg\"]}");
        assertEquals(4, jpg.json().size(), "a filtered search still returns what was asked: " + jpg.body());
        jpg.json().forEach(h -> assertTrue(h.get("image_path").asText().endsWith(".jpg"), h.toString()));

        Reply hybrid = post("/api/search", "{\"terms\":[{\"text\":\"rocket launch\"}],\"n\":5,\"hybrid\":true,\"hybrid_weight\":50}");
        assertEquals(200, hybrid.status(), hybrid.body());
        JsonNode top = hybrid.json().get("results").get(0);
        assertEquals("rocket.jpg", top.get("name").asText(), "BM25 on the caption decides with a heavy weight");
        assertEquals("a rocket on the launch pad", top.get("captions").get(0).asText());

        Reply texts = post("/api/search", "{\"terms\":[{\"text\":\"the quick brown fox\"}],\"n\":2,\"modality\":\"text\"}");
        JsonNode fox = texts.json().get("results").get(0);
        assertEquals("the quick brown fox", fox.get("text").asText());
        assertEquals("texts.txt", fox.get("name").asText());
        assertTrue(fox.get("thumb").isNull(), "a text of a collection has no image");
        Reply small = post("/api/search", "{\"terms\":[{\"text\":\"a photo\"}],\"n\":30,\"where\":[\"width:..200\"]}");
        small.json().get("results").forEach(h -> assertTrue(h.get("width").asInt() <= 200, h.toString()));
        assertTrue(small.json().get("results").size() >= 2, small.body());
        assertEquals(TestIndex.CAPTIONS.size() + TestIndex.TEXTS.size(), get("/api/stats").json().get("texts").asInt());
        assertError(404, get("/api/thumb/" + fox.get("id").asLong()), "is a text, not an image");
    }

    @Test
    void badInputGets4xxJsonAndTheServerKeepsServing() throws Exception {
        assertError(400, post("/vectorize", "{\"texts\":[\"a\""), "malformed JSON");
        assertError(400, post("/vectorize", "[1,2]"), "JSON object");
        assertError(400, post("/vectorize", ""), "empty body");
        assertError(400, post("/vectorize", "{\"texts\":\"a dog\"}"), "array of strings");
        assertError(400, post("/vectorize", "{\"texts\":[42]}"), "texts[0]");
        assertError(400, post("/vectorize", "{\"texts\":[\"  \"]}"), "empty");
        assertError(400, post("/vectorize", "{\"texts\":[\"" + "x".repeat(600) + "\"]}"), "at most 500");
        assertError(400, post("/vectorize", "{}"), "nothing to vectorize");
        assertError(400, post("/vectorize", "{\"images\":[\"@@not base64@@\"]}"), "bad base64");
        assertError(400, post("/vectorize", "{\"images\":[\"" + Base64.getEncoder().encodeToString("hello, not an image".getBytes()) + "\"]}"),
                "not a supported image format");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add("text " + i);
        }
        assertError(413, post("/vectorize", JSON.writeValueAsString(java.util.Map.of("texts", many))), "at most 64");
        assertError(413, post("/vectorize", "{\"texts\":[\"" + "y".repeat(2 << 20) + "\"]}"), "at most");
        assertError(400, post("/knn-service", "{\"text\":\"a\",\"num_images\":\"ten\"}"), "num_images");
        assertError(400, post("/knn-service", "{\"text\":\"a\",\"num_images\":100000}"), "between 1 and 100");
        assertError(400, post("/knn-service", "{\"text\":\"a\",\"modality\":\"audio\"}"), "use image or text");
        assertError(400, post("/knn-service", "{\"text\":\"a\",\"where\":[\"colour:red\"]}"), "unknown field 'colour'");
        assertError(400, post("/knn-service", "{\"text\":\"a\",\"where\":\"ext:jpg\"}"), "array of strings");
        assertError(400, post("/api/search", "{\"terms\":[{\"text\":\"a\"}],\"where\":[\"width:9..1\"]}"), "low end 9 is above");
        assertError(400, post("/api/search", "{\"terms\":[{\"text\":\"a\"}],\"where\":[\"mtime:yesterday..\"]}"), "not a date");
        assertError(400, post("/api/search", "{\"terms\":[{\"id\":0}],\"hybrid\":true}"), "'hybrid' needs a text");
        assertError(400, post("/api/search", "{\"terms\":[{\"text\":\"a\"}],\"hybrid\":true,\"hybrid_weight\":-1}"), "hybrid_weight");
        assertError(404, post("/knn-service", "{\"text\":\"a\",\"indice_name\":\"other\"}"), "no index named");
        assertError(400, post("/knn-service", "{\"image_url\":\"http://127.0.0.1/x.jpg\"}"), "a loopback address");
        assertError(400, post("/knn-service", "{\"embedding_input\":[1,2]}"), "64 numbers");
        assertError(400, post("/metadata", "{\"ids\":[\"x\"]}"), "ids[0]");
        assertError(400, post("/api/search", "{\"terms\":[]}"), "terms");
        assertError(400, post("/api/search", "{\"terms\":[{\"path\":\"/etc/passwd\"}]}"), "needs one of");
        assertError(404, post("/api/search", "{\"terms\":[{\"id\":123456}]}"), "no indexed image");
        assertError(404, get("/api/thumb/123456"), "no indexed image");
        assertError(400, get("/api/thumb/etc-passwd"), "numeric id only");
        int traversal = get("/api/thumb/..%2F..%2Fetc%2Fpasswd").status();
        assertTrue(traversal == 400 || traversal == 404, "a path instead of an id: " + traversal);
        assertError(404, get("/no/such/endpoint"), "not found");
        assertEquals(204, get("/.well-known/live").status(), "still serving");
        assertEquals(200, post("/vectorize", "{\"texts\":[\"still works\"]}").status());
    }

    @Test
    void concurrentRequestsAreBatchedForTheEncoder() throws Exception {
        long before = server.meanBatch() == 0 ? 0 : 1;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Reply>> fs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String body = "{\"texts\":[\"query number " + i + "\"]}";
                fs.add(pool.submit(() -> post("/vectorize", body)));
            }
            for (Future<Reply> f : fs) {
                assertEquals(200, f.get().status());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(server.meanBatch() > 1.0, "mean encoder batch " + server.meanBatch() + " (before: " + before + ")");
    }

    @Test
    void boundedLoopbackLoadTestHasNoErrorsAndRefusesOtherHosts() throws Exception {
        long pid = ProcessHandle.current().pid();
        var r = LoadTest.run(new LoadTest.Spec(URI.create(base + "/"), 4, 40, 60, null, pid, true));
        assertEquals(0, ((Number) r.get("errors")).intValue(), r.toString());
        assertEquals(40, ((Number) r.get("requests")).intValue(), r.toString());
        assertTrue(((Number) r.get("p99_ms")).doubleValue() >= ((Number) r.get("p50_ms")).doubleValue());
        assertTrue(r.containsKey("rss_mb_max"), r.toString());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () ->
                LoadTest.run(new LoadTest.Spec(URI.create("http://192.0.2.1:8080/"), 1, 1, 1, null, 0, true)));
    }

    @Test
    void apiKeyGuardsEveryEndpoint(@TempDir Path dir) throws Exception {
        ServerConfig cfg = ServerConfig.defaults().withHostPort("127.0.0.1", 0).withApiKey("s3cret");
        try (SearchServer guarded = SearchServer.start(clip, index, "vit-s", cfg)) {
            String b = "http://127.0.0.1:" + guarded.port();
            for (String path : List.of("/", "/meta", "/.well-known/live", "/indices-list", "/api/thumb/0", "/api/stats")) {
                Reply r = send(HttpRequest.newBuilder(URI.create(b + path)).GET());
                assertError(401, r, "API key");
            }
            assertError(401, send(HttpRequest.newBuilder(URI.create(b + "/vectorize"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"texts\":[\"a\"]}")).header("X-API-Key", "wrong")), "API key");
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(b + "/vectorize"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"texts\":[\"a\"]}")).header("Authorization", "Bearer s3cret")).status());
            assertEquals(204, send(HttpRequest.newBuilder(URI.create(b + "/.well-known/live?key=s3cret")).GET()).status());
            assertEquals(200, send(HttpRequest.newBuilder(URI.create(b + "/")).header("X-API-Key", "s3cret").GET()).status());
        }
    }
}
