package dev.jclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clip search URL}: an indexed image served on loopback is found by itself with
 * {@code --allow-private-urls}, refused without it, and hostile URLs end with an error naming why.
 */
class UrlSearchCommandTest {
    @Test
    void searchByUrl(@TempDir Path tmp) throws Exception {
        Path imgs = Files.createDirectories(tmp.resolve("imgs")), idx = tmp.resolve("idx");
        SearchCommandsTest.noise(imgs, 12);
        CliRunner.Result built = CliRunner.run("index", "--index", idx.toString(), "--model", SearchCommandsTest.model().toString(),
                "--quiet", imgs.toString());
        assertEquals(0, built.exitCode(), built.err());
        Path probe = imgs.resolve("img007.png");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/a.png", x -> {
            byte[] b = Files.readAllBytes(probe);
            x.sendResponseHeaders(200, b.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/a.png";
            CliRunner.Result ok = CliRunner.run("search", "--index", idx.toString(), "--allow-private-urls", "--json", "-n", "2", url);
            assertEquals(0, ok.exitCode(), ok.err());
            JsonNode j = new ObjectMapper().readTree(ok.out());
            assertEquals(probe.toString(), j.get("results").get(0).get("path").asText());
            assertEquals(1.0, j.get("results").get(0).get("score").asDouble(), 1e-4);
            assertEquals("image tower only", j.get("model_loaded").asText());

            String[][] refused = {
                    {url, "resolves to 127.0.0.1, a loopback address (refused; --allow-private-urls permits it)"},
                    {"http://169.254.169.254/latest/meta-data/", "a link-local address"},
                    {"http://[::1]:8080/x.png", "a loopback address"},
                    {"ftp://example.com/a.png", "only http and https URLs are fetched, not ftp:"},
                    {"file:///etc/passwd", "not file:"},
                    {"http://2130706433/", "non-canonical numeric IPv4"},
            };
            for (String[] r : refused) {
                CliRunner.Result e = CliRunner.run("search", "--index", idx.toString(), r[0]);
                assertEquals(1, e.exitCode(), r[0] + ": " + e.out());
                assertTrue(e.err().contains("error: ") && e.err().contains(r[1]), r[0] + ": " + e.err());
            }
        } finally {
            server.stop(0);
        }
    }
}
