package dev.jclip.download;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DownloaderTest {
    static final byte[] BYTES = bytes(1_500_000, 7);
    static final String SHA = sha256(BYTES);

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static Downloader quiet() {
        return new Downloader(true, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    /** Everything in the cache directory other than lock files, which are meant to stay. */
    private List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).sorted().toList();
        }
    }

    @Test
    void downloadsVerifiesAndServesTheSecondCallFromTheCache() throws IOException {
        TestHttpServer server = track(new TestHttpServer().file("/m/model.pt", BYTES));
        Path target = dir.resolve("model.pt");
        Downloader d = quiet();

        d.download(server.uri("/m/model.pt"), SHA, target);
        assertArrayEquals(BYTES, Files.readAllBytes(target));
        assertEquals(List.of("model.pt", "model.pt.sha256"), leftovers(), "no .part left behind");
        assertEquals(1, server.requests());

        d.download(server.uri("/m/model.pt"), SHA.toUpperCase(), target);
        new Downloader(true).download(server.uri("/m/model.pt"), SHA, target);
        assertEquals(1, server.requests(), "cached file used without HTTP");
    }

    @Test
    void showsProgressUnlessQuiet() throws IOException {
        TestHttpServer server = track(new TestHttpServer().file("/a.pt", BYTES).file("/b.pt", BYTES));
        ByteArrayOutputStream loud = new ByteArrayOutputStream();
        new Downloader(false, Duration.ofSeconds(5), Duration.ofSeconds(5), new PrintStream(loud, true))
                .download(server.uri("/a.pt"), SHA, dir.resolve("a.pt"));
        String text = loud.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("\ra.pt 100% [") && text.contains("1.5/1.5 MB") && text.contains("MB/s"), text);
        assertTrue(text.endsWith("\n"), text);

        ByteArrayOutputStream silent = new ByteArrayOutputStream();
        new Downloader(true, Duration.ofSeconds(5), Duration.ofSeconds(5), new PrintStream(silent, true))
                .download(server.uri("/b.pt"), SHA, dir.resolve("b.pt"));
        assertEquals("", silent.toString(StandardCharsets.UTF_8));
    }

    @Test
    void wrongHashIsRefusedAndNothingIsKept() throws IOException {
        TestHttpServer server = track(new TestHttpServer().file("/m.pt", BYTES));
        String other = sha256(new byte[] {1});
        Path target = dir.resolve("m.pt");
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
                () -> quiet().download(server.uri("/m.pt"), other, target));
        assertEquals(other, e.expected());
        assertEquals(SHA, e.actual());
        assertTrue(e.getMessage().contains(other) && e.getMessage().contains(SHA), e.getMessage());
        assertFalse(Files.exists(target));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void connectionDroppedMidBodyIsRefused() throws IOException {
        RawHttpServer server = track(new RawHttpServer(out -> {
            out.write(RawHttpServer.head("HTTP/1.1 200 OK", "Content-Length: " + BYTES.length));
            out.write(BYTES, 0, BYTES.length / 2);
        }));
        Path target = dir.resolve("m.pt");
        DownloadException e = assertThrows(DownloadException.class,
                () -> quiet().download(server.uri("/m.pt"), SHA, target));
        assertFalse(e instanceof ChecksumMismatchException, "caught as a broken transfer: " + e);
        assertTrue(e.getMessage().contains(server.uri("/m.pt").toString()), e.getMessage());
        // How much was read before the error surfaced varies; the expected total is always known.
        assertTrue(e.getMessage().contains(" of " + BYTES.length + " bytes"), e.getMessage());
        assertFalse(Files.exists(target));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void truncatedBodyWithoutLengthIsCaughtByTheHash() throws IOException {
        RawHttpServer server = track(new RawHttpServer(out -> {
            out.write(RawHttpServer.head("HTTP/1.1 200 OK", "Connection: close"));
            out.write(BYTES, 0, BYTES.length - 1000);
        }));
        Path target = dir.resolve("m.pt");
        assertThrows(ChecksumMismatchException.class, () -> quiet().download(server.uri("/m.pt"), SHA, target));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void stalledTransferTimesOut() throws IOException {
        RawHttpServer server = track(new RawHttpServer(out -> {
            out.write(RawHttpServer.head("HTTP/1.1 200 OK", "Content-Length: " + BYTES.length));
            out.write(BYTES, 0, 1000);
            out.flush();
            Thread.sleep(10_000);
        }));
        Path target = dir.resolve("m.pt");
        Downloader d = new Downloader(true, Duration.ofSeconds(5), Duration.ofMillis(400));
        long start = System.nanoTime();
        DownloadException e = assertThrows(DownloadException.class, () -> d.download(server.uri("/m.pt"), SHA, target));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("no data"), e.getMessage());
        assertTrue(millis < 5000, "gave up after " + millis + " ms");
        assertEquals(List.of(), leftovers());
    }

    @Test
    void slowButSteadyTransferIsNotCutOff() throws IOException {
        RawHttpServer server = track(new RawHttpServer(out -> {
            out.write(RawHttpServer.head("HTTP/1.1 200 OK", "Content-Length: " + BYTES.length));
            int chunk = BYTES.length / 6 + 1;
            for (int off = 0; off < BYTES.length; off += chunk) {
                out.write(BYTES, off, Math.min(chunk, BYTES.length - off));
                out.flush();
                Thread.sleep(150);
            }
        }));
        Path target = dir.resolve("m.pt");
        // Whole transfer ~0.9 s, longer than the 400 ms idle limit: only gaps count.
        new Downloader(true, Duration.ofSeconds(5), Duration.ofMillis(400)).download(server.uri("/m.pt"), SHA, target);
        assertArrayEquals(BYTES, Files.readAllBytes(target));
    }

    @Test
    void httpErrorsNameTheUrlAndStatus() throws IOException {
        TestHttpServer server = track(new TestHttpServer().status("/missing.pt", 404).status("/broken.pt", 500));
        for (String path : List.of("/missing.pt", "/broken.pt")) {
            URI url = server.uri(path);
            DownloadException e = assertThrows(DownloadException.class,
                    () -> quiet().download(url, SHA, dir.resolve("m.pt")));
            String status = path.equals("/missing.pt") ? "HTTP 404" : "HTTP 500";
            assertTrue(e.getMessage().contains(status) && e.getMessage().contains(url.toString()), e.getMessage());
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void redirectsAreFollowed() throws IOException {
        TestHttpServer server = track(new TestHttpServer().file("/new/m.pt", BYTES).redirect("/old/m.pt", "/new/m.pt"));
        Path target = dir.resolve("m.pt");
        quiet().download(server.uri("/old/m.pt"), SHA, target);
        assertArrayEquals(BYTES, Files.readAllBytes(target));
        assertEquals(2, server.requests());
    }

    @Test
    void refusedConnectionIsAClearError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port + "/m.pt");
        DownloadException e = assertThrows(DownloadException.class,
                () -> quiet().download(url, SHA, dir.resolve("m.pt")));
        assertTrue(e.getMessage().contains(url.toString()), e.getMessage());
    }

    @Test
    void corruptedCachedFileIsDetectedAndDownloadedAgain() throws IOException {
        TestHttpServer server = track(new TestHttpServer().file("/m.pt", BYTES));
        Path target = dir.resolve("m.pt");
        Downloader d = quiet();
        d.download(server.uri("/m.pt"), SHA, target);

        // Same size, different bytes, and a different mtime (as a later change would have).
        FileTime mtime = Files.getLastModifiedTime(target);
        byte[] corrupt = BYTES.clone();
        corrupt[corrupt.length / 2] ^= 1;
        Files.write(target, corrupt);
        Files.setLastModifiedTime(target, FileTime.fromMillis(mtime.toMillis() + 5000));
        d.download(server.uri("/m.pt"), SHA, target);
        assertArrayEquals(BYTES, Files.readAllBytes(target));
        assertEquals(2, server.requests());

        // Truncated, memo gone.
        Files.delete(Sidecar.of(target));
        Files.write(target, new byte[] {1, 2, 3});
        d.download(server.uri("/m.pt"), SHA, target);
        assertArrayEquals(BYTES, Files.readAllBytes(target));
        assertEquals(3, server.requests());
        assertTrue(Sidecar.vouchesFor(target, SHA));
    }

    @Test
    void failedRedownloadOfCorruptFileLeavesNothingInPlace() throws IOException {
        TestHttpServer server = track(new TestHttpServer().status("/m.pt", 503));
        Path target = dir.resolve("m.pt");
        Files.write(target, new byte[] {1, 2, 3});
        assertThrows(DownloadException.class, () -> quiet().download(server.uri("/m.pt"), SHA, target));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void intactFileWithoutMemoIsHashedOnceAndKept() throws IOException {
        TestHttpServer server = track(new TestHttpServer().file("/m.pt", BYTES));
        Path target = dir.resolve("m.pt");
        Files.write(target, BYTES);
        quiet().download(server.uri("/m.pt"), SHA, target);
        assertEquals(0, server.requests());
        assertTrue(Sidecar.vouchesFor(target, SHA), "verification memoised");
    }

    @Test
    void stalePartFileFromACrashIsOverwritten() throws IOException {
        TestHttpServer server = track(new TestHttpServer().file("/m.pt", BYTES));
        Path target = dir.resolve("m.pt");
        Files.write(dir.resolve("m.pt.part"), bytes(3_000_000, 1));
        quiet().download(server.uri("/m.pt"), SHA, target);
        assertArrayEquals(BYTES, Files.readAllBytes(target));
        assertEquals(List.of("m.pt", "m.pt.sha256"), leftovers());
    }

    @Test
    void concurrentDownloadsInOneProcessFetchOnce() throws Exception {
        TestHttpServer server = track(new TestHttpServer().file("/m.pt", BYTES, 300));
        Path target = dir.resolve("m.pt");
        Downloader d = quiet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    d.download(server.uri("/m.pt"), SHA, target);
                    return null;
                }));
            }
            for (Future<Object> f : results) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, server.requests());
        assertArrayEquals(BYTES, Files.readAllBytes(target));
    }

    @Test
    void waitsForAnotherProcessHoldingTheLockAndUsesItsResult() throws Exception {
        TestHttpServer server = track(new TestHttpServer().file("/m.pt", BYTES));
        Path target = dir.resolve("m.pt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx32m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                DownloadLock.lockFileFor(target).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", childOut.readLine(), "lock holder process started");

            Future<Object> waiting = pool.submit(() -> {
                quiet().download(server.uri("/m.pt"), SHA, target);
                return null;
            });
            Thread.sleep(500);
            assertFalse(waiting.isDone(), "blocked while the other process holds the lock");
            assertEquals(0, server.requests());

            // The other process finishes its download, then lets go.
            Files.write(target, BYTES);
            OutputStream stdin = child.getOutputStream();
            stdin.close();
            waiting.get(20, TimeUnit.SECONDS);
            assertEquals(0, server.requests(), "the file the other process left was verified and used");
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
            child.destroyForcibly();
        }
    }

    @Test
    void badArgumentsAreRejectedUpFront() {
        Downloader d = quiet();
        assertThrows(IllegalArgumentException.class,
                () -> d.download(URI.create("http://127.0.0.1:1/m.pt"), "1234", dir.resolve("m.pt")));
        assertThrows(IllegalArgumentException.class,
                () -> new Downloader(true, Duration.ZERO, Duration.ofSeconds(1)));
    }
}
