package dev.jclip.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModelCacheTest {
    @TempDir
    Path tmp;

    private static Downloader quiet() {
        return new Downloader(true, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void existingPathsAreReturnedAsGiven() throws IOException {
        ModelCache cache = new ModelCache(tmp.resolve("cache"), quiet(), ReleasedModels.bundled());
        Path file = Files.write(tmp.resolve("RN50"), new byte[] {1});
        assertEquals(file, cache.resolve(file.toString()));
        Path folder = Files.createDirectory(tmp.resolve("hf-model"));
        assertEquals(folder, cache.resolve(folder.toString()));
        assertTrue(!Files.exists(cache.dir()), "nothing downloaded, nothing created");
    }

    @Test
    void releasedNamesAreDownloadedOnceIntoTheCache() throws IOException {
        try (TestHttpServer server = new TestHttpServer().file("/clip/abc/Tiny-1.pt", DownloaderTest.BYTES)) {
            ReleasedModels registry = new ReleasedModels(List.of(
                    new ReleasedModel("Tiny/1", server.uri("/clip/abc/Tiny-1.pt"), DownloaderTest.SHA)));
            ModelCache cache = new ModelCache(tmp.resolve("cache"), quiet(), registry);

            Path p = cache.resolve("tiny-1");
            assertEquals(tmp.resolve("cache").resolve("Tiny-1.pt").toAbsolutePath(), p);
            assertArrayEquals(DownloaderTest.BYTES, Files.readAllBytes(p));
            assertEquals(p, cache.resolve("Tiny/1"));
            assertEquals(1, server.requests());
        }
    }

    @Test
    void unknownNamesListTheKnownModels() {
        ModelCache cache = new ModelCache(tmp, quiet(), ReleasedModels.bundled());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cache.resolve("ViT-H/14"));
        assertTrue(e.getMessage().contains("ViT-H/14") && e.getMessage().contains("ViT-L/14@336px"), e.getMessage());
    }

    @Test
    void urlsWithoutAUsableFileNameAreRejected() {
        ReleasedModels registry = new ReleasedModels(List.of(
                new ReleasedModel("odd", URI.create("http://127.0.0.1/models/"), DownloaderTest.SHA),
                new ReleasedModel("dots", URI.create("http://127.0.0.1/models/.."), DownloaderTest.SHA)));
        ModelCache cache = new ModelCache(tmp, quiet(), registry);
        assertThrows(IOException.class, () -> cache.resolve("odd"));
        assertThrows(IOException.class, () -> cache.resolve("dots"));
    }

    @Test
    void defaultDirectoryPrefersPropertyThenEnvironmentThenHome() {
        Map<String, String> props = Map.of(ModelCache.PROPERTY, "/p/cache");
        Map<String, String> env = Map.of(ModelCache.ENV, "/e/cache");
        assertEquals(Path.of("/p/cache"), ModelCache.defaultDir(props::get, env::get, "/home/u"));
        assertEquals(Path.of("/e/cache"), ModelCache.defaultDir(k -> null, env::get, "/home/u"));
        assertEquals(Path.of("/e/cache"), ModelCache.defaultDir(k -> " ", env::get, "/home/u"));
        assertEquals(Path.of("/home/u/.cache/jclip"), ModelCache.defaultDir(k -> null, k -> null, "/home/u"));
        assertTrue(ModelCache.defaultDir().isAbsolute());
    }
}
