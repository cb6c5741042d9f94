package dev.jclip.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.Clip;
import dev.jclip.search.ImageIndex;
import dev.jclip.search.fetch.FetchPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.jclip.serve.SearchServerTest.JSON;
import static dev.jclip.serve.SearchServerTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Query by URL ({@code image_url} in /knn-service, {@code {"url": ...}} terms in /api/search)
 * against a loopback image host: one server allows private addresses (as
 * {@code --allow-private-urls} does) so that the host can be reached, one keeps the default and
 * refuses every non-public address. Every bad URL gets a 4xx naming why, and both keep serving.
 */
class UrlQueryServerTest {
    @TempDir
    static Path tmp;
    static Clip clip;
    static ImageIndex index;
    static ImageHost host;
    static SearchServer allowing;
    static SearchServer strict;

    @BeforeAll
    static void start() throws Exception {
        clip = Clip.load(TestIndex.model().toString());
        index = TestIndex.build(clip, tmp.resolve("idx"));
        host = new ImageHost();
        ServerConfig cfg = ServerConfig.defaults().withHostPort("127.0.0.1", 0);
        allowing = SearchServer.start(clip, index, "vit-s", cfg.withFetch(new FetchPolicy(1 << 20, Duration.ofMillis(1500), 3, true)));
        strict = SearchServer.start(clip, index, "vit-s", cfg);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{allowing, strict, index, host}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static SearchServerTest.Reply post(SearchServer s, String path, String body) throws Exception {
        HttpResponse<String> r = SearchServerTest.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        return new SearchServerTest.Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    static String knn(String url) throws Exception {
        return JSON.writeValueAsString(java.util.Map.of("image_url", url, "num_images", 3, "deduplicate", false));
    }

    @Test
    void anImageByUrlFindsItselfDirectlyAndThroughARedirect() throws Exception {
        Path img = TestIndex.anyImage("astronaut.png");
        for (String url : new String[]{host.url("/img/astronaut.png"), host.url("/redirect/astronaut.png")}) {
            SearchServerTest.Reply r = post(allowing, "/knn-service", knn(url));
            assertEquals(200, r.status(), r.body());
            JsonNode first = r.json().get(0);
            assertEquals(img.toString(), first.get("image_path").asText(), url);
            assertEquals(1.0, first.get("similarity").asDouble(), 1e-4);
        }
        SearchServerTest.Reply page = post(allowing, "/api/search",
                "{\"terms\":[{\"url\":\"" + host.url("/img/astronaut.png") + "\"}],\"n\":2}");
        assertEquals(200, page.status(), page.body());
        assertEquals("astronaut.png", page.json().get("results").get(0).get("name").asText());
    }

    @Test
    void brokenHostsGetA4xxNamingWhyAndTheServerKeepsServing() throws Exception {
        assertError(413, post(allowing, "/knn-service", knn(host.url("/big"))), "at most 1048576");
        assertError(400, post(allowing, "/knn-service", knn(host.url("/slow"))), "longer than 1500 ms");
        assertError(400, post(allowing, "/knn-service", knn(host.url("/loop"))), "more than 3 redirects");
        assertError(400, post(allowing, "/knn-service", knn(host.url("/missing"))), "HTTP 404");
        assertError(400, post(allowing, "/knn-service", knn(host.url("/text"))), "not a supported image format");
        assertError(400, post(allowing, "/knn-service", knn(host.url("/bomb.png"))), "decompression bomb");
        assertError(400, post(allowing, "/api/search", "{\"terms\":[{\"url\":\"gopher://127.0.0.1:70/\"}]}"), "only http and https");
        assertEquals(200, post(allowing, "/knn-service", knn(host.url("/img/astronaut.png"))).status(), "still serving");
    }

    @Test
    void slowHostsCannotTakeEveryRequestThread() throws Exception {
        int n = SearchService.MAX_FETCHES + 4;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<SearchServerTest.Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                replies.add(pool.submit(() -> post(allowing, "/knn-service", knn(host.url("/slow")))));
            }
            Thread.sleep(300);
            assertEquals(200, post(allowing, "/knn-service", "{\"text\":\"an astronaut\",\"num_images\":1}").status(),
                    "text queries are served while the slow fetches wait");
            int busy = 0;
            for (var f : replies) {
                SearchServerTest.Reply r = f.get();
                if (r.status() == 429) {
                    busy++;
                    assertTrue(r.json().get("error").asText().contains("already under way"), r.body());
                } else {
                    assertError(400, r, "longer than 1500 ms");
                }
            }
            assertTrue(busy >= 4, busy + " of " + n + " refused with 429 while " + SearchService.MAX_FETCHES + " were under way");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theDefaultRefusesEveryNonPublicAddressAndKeepsServing() throws Exception {
        String[][] table = {
                {host.url("/img/astronaut.png"), "a loopback address"},
                {"file:///etc/passwd", "only http and https URLs are fetched, not file:"},
                {"ftp://example.com/a.png", "not ftp:"},
                {"gopher://127.0.0.1:70/_x", "not gopher:"},
                {"http://127.0.0.1/", "a loopback address"},
                {"http://[::1]/", "a loopback address"},
                {"http://169.254.169.254/latest/meta-data/", "a link-local address"},
                {"http://10.0.0.1/", "a private address"},
                {"http://0.0.0.0/", "the unspecified address"},
                {"http://[fd12::1]/", "unique local"},
                {"http://[::ffff:10.1.2.3]/", "a private address"},
                {"http://2130706433/", "non-canonical numeric IPv4"},
                {"http://0177.0.0.1/", "non-canonical numeric IPv4"},
        };
        for (String[] row : table) {
            SearchServerTest.Reply r = post(strict, "/knn-service", knn(row[0]));
            assertError(400, r, row[1]);
            assertTrue(r.json().get("error").asText().contains("--allow-private-urls") || !row[1].contains("address")
                    || row[1].contains("non-canonical"), "a refused address says how to allow it: " + r.body());
        }
        assertEquals(200, post(strict, "/knn-service", "{\"text\":\"an astronaut\",\"num_images\":1}").status(), "still serving");
    }
}
