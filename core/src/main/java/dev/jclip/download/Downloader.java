package dev.jclip.download;

import dev.jclip.util.ProgressBar;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Fetches files over HTTP(S) and puts them in place only once their SHA-256 is verified.
 *
 * <p>The body is streamed into {@code <target>.part} beside the target while it is hashed; only a
 * complete transfer with the expected hash is renamed onto the target, atomically, so the target is
 * never a partial or corrupt file. Concurrent downloads of the same target, from threads or other
 * processes, are serialised by a lock on {@code <target>.lock}. Progress goes to standard error
 * unless the downloader is quiet.
 */
public final class Downloader {
    /** Default time allowed to open a connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Default time allowed without receiving anything, before the headers or between body chunks. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jclip-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final boolean quiet;
    private final Duration readTimeout;
    private final PrintStream err;
    private final HttpClient client;

    /** A downloader with the default timeouts; {@code quiet} silences the progress bar and notes. */
    public Downloader(boolean quiet) {
        this(quiet, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    /**
     * A downloader with explicit timeouts.
     *
     * @param connectTimeout time allowed to establish a connection
     * @param readTimeout    time allowed without receiving data: until the response headers arrive,
     *                       and between any two chunks of the body (not the whole transfer, which may
     *                       take as long as it needs while data keeps coming)
     */
    public Downloader(boolean quiet, Duration connectTimeout, Duration readTimeout) {
        this(quiet, connectTimeout, readTimeout, System.err);
    }

    Downloader(boolean quiet, Duration connectTimeout, Duration readTimeout, PrintStream err) {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        this.quiet = quiet;
        this.readTimeout = readTimeout;
        this.err = Objects.requireNonNull(err, "err");
        // NORMAL follows redirects except https -> http, which would throw away transport security.
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * Makes {@code target} a verified copy of the file at {@code url}.
     *
     * <p>An existing target is checked first (against its verification memo {@code <target>.sha256},
     * or by hashing it) and kept when it has the expected hash; nothing is fetched then. A target
     * that fails the check is deleted and downloaded again. If this method throws, no unverified
     * file is left at the target.
     *
     * @param url            http or https URL; redirects are followed
     * @param expectedSha256 the SHA-256 the file must have, 64 hex digits
     * @param target         where the file goes; its directory is created when missing
     * @throws ChecksumMismatchException when the received bytes have another hash
     * @throws DownloadException         on an HTTP error status, a timeout or a broken-off transfer
     * @throws IOException               on local file system errors
     */
    public void download(URI url, String expectedSha256, Path target) throws IOException {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(target, "target");
        String expected = normaliseHash(expectedSha256);
        target = target.toAbsolutePath();
        // Lock-free fast path: the rename is atomic and the memo is replaced atomically, so a file
        // the memo vouches for is complete even while another process holds the lock.
        if (Files.isRegularFile(target) && Sidecar.vouchesFor(target, expected)) {
            return;
        }
        Files.createDirectories(target.getParent());
        try (DownloadLock ignored = DownloadLock.acquire(target, this::note)) {
            // Whoever held the lock before may have just put a good file in place.
            if (Files.exists(target) && isIntact(target, expected)) {
                return;
            }
            fetch(url, expected, target);
        }
    }

    /** Checks an existing target; true when it can be used as is. */
    private boolean isIntact(Path target, String expected) throws IOException {
        if (!Files.isRegularFile(target)) {
            throw new IOException(target + " exists but is not a regular file; move it away");
        }
        if (Sidecar.vouchesFor(target, expected)) {
            return true;
        }
        long size = Files.size(target);
        String actual = Sha256.of(target, bar("verifying " + target.getFileName(), size, "B"));
        if (actual.equals(expected)) {
            Sidecar.record(target, actual);
            return true;
        }
        note("cached " + target + " is corrupt (SHA-256 " + actual + ", expected " + expected
                + "); downloading it again");
        // Gone now rather than at the rename, so a failed re-download leaves nothing to mistake for it.
        Sidecar.delete(target);
        Files.delete(target);
        return false;
    }

    private void fetch(URI url, String expected, Path target) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        boolean placed = false;
        try {
            HttpResponse<InputStream> response = send(url);
            long length;
            long received;
            MessageDigest digest = Sha256.newDigest();
            try (InputStream body = response.body()) {
                checkStatus(url, response);
                length = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
                checkSpace(target.getParent(), length);
                note("downloading " + url + " to " + target);
                received = copy(url, body, part, digest, length, target.getFileName().toString());
            }
            if (length >= 0 && received != length) {
                throw new DownloadException("transfer of " + url + " ended early: received " + received + " of "
                        + length + " bytes; nothing was saved");
            }
            String actual = Sha256.hex(digest);
            if (!actual.equals(expected)) {
                throw new ChecksumMismatchException(url, expected, actual, received);
            }
            Sidecar.delete(target);
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot atomically rename " + part + " to " + target, e);
            }
            placed = true;
            Sidecar.record(target, actual);
        } finally {
            if (!placed) {
                deleteLeftover(part);
            }
        }
    }

    /** A .part file is never used, only overwritten, so failing to delete one must not hide the real error. */
    private static void deleteLeftover(Path part) {
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // the next attempt truncates it
        }
    }

    private HttpResponse<InputStream> send(URI url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .GET()
                .timeout(readTimeout)
                .header("User-Agent", "jclip")
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            String limit = client.connectTimeout().map(Downloader::format).orElse("the connect timeout");
            throw new DownloadException("could not connect to " + url.getHost() + " within " + limit
                    + "; check the network or proxy settings", e);
        } catch (HttpTimeoutException e) {
            throw new DownloadException("no response from " + url + " within " + format(readTimeout), e);
        } catch (ConnectException e) {
            throw new DownloadException("could not connect to " + url + ": " + e, e);
        } catch (IOException e) {
            throw new DownloadException("request to " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download of " + url + " was interrupted");
        } catch (IllegalArgumentException e) {
            throw new DownloadException("cannot download " + url + ": " + e.getMessage(), e);
        }
    }

    private static void checkStatus(URI url, HttpResponse<?> response) throws DownloadException {
        int status = response.statusCode();
        if (status == 200) {
            return;
        }
        String where = url.toString();
        if (!response.uri().equals(url)) {
            where += " (redirected to " + response.uri() + ")";
        }
        throw new DownloadException("HTTP " + status + describe(status) + " for " + where);
    }

    private static String describe(int status) {
        switch (status) {
            case 401:
            case 403:
                return " (access denied)";
            case 404:
            case 410:
                return " (not found: the URL is wrong or the file was removed)";
            case 429:
                return " (too many requests: try again later)";
            default:
                if (status >= 500) {
                    return " (server error: try again later)";
                }
                if (status >= 300 && status < 400) {
                    return " (redirect not followed)";
                }
                return "";
        }
    }

    private static void checkSpace(Path dir, long length) throws IOException {
        if (length <= 0) {
            return;
        }
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < length) {
            throw new DownloadException("not enough disk space in " + dir + ": need " + length
                    + " bytes, " + usable + " available");
        }
    }

    /**
     * Streams the body into {@code part}, hashing it. A watchdog closes the body when nothing has
     * arrived for the read timeout, because a blocked read on the JDK client's stream has no timeout
     * of its own; closing it makes the read return.
     */
    private long copy(URI url, InputStream body, Path part, MessageDigest digest, long length, String label)
            throws IOException {
        AtomicLong lastData = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long limit = readTimeout.toNanos();
        long period = Math.max(10, Math.min(1000, readTimeout.toMillis() / 4));
        ScheduledFuture<?> watch = WATCHDOG.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastData.get() > limit && stalled.compareAndSet(false, true)) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // the reader finds out through the stalled flag
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        ProgressBar bar = bar(label, length, "B");
        long received = 0;
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(ch);
            byte[] buf = new byte[1 << 16];
            int n;
            try {
                while ((n = body.read(buf)) != -1) {
                    lastData.set(System.nanoTime());
                    digest.update(buf, 0, n);
                    out.write(buf, 0, n);
                    received += n;
                    bar.update(received);
                }
            } catch (IOException e) {
                if (stalled.get()) {
                    throw stalledError(url, received, length);
                }
                throw new DownloadException("transfer of " + url + " broke off after " + received
                        + (length >= 0 ? " of " + length : "") + " bytes (" + causes(e) + "); nothing was saved", e);
            }
            if (stalled.get()) {
                throw stalledError(url, received, length);
            }
            // Durable before the rename, so a crash cannot leave a renamed but empty file behind.
            ch.force(true);
        } finally {
            watch.cancel(false);
            bar.finish();
        }
        return received;
    }

    private DownloadException stalledError(URI url, long received, long length) {
        return new DownloadException("no data from " + url + " for " + format(readTimeout) + " after "
                + received + (length >= 0 ? " of " + length : "") + " bytes; nothing was saved");
    }

    /** The JDK client wraps the informative reason (say, a short body) a few levels down. */
    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.toString();
    }

    private ProgressBar bar(String label, long total, String unit) {
        return quiet ? ProgressBar.silent(label, total, unit) : new ProgressBar(label, total, unit, err);
    }

    private void note(String message) {
        if (!quiet) {
            err.println(message);
            err.flush();
        }
    }

    private static String normaliseHash(String sha256) {
        Objects.requireNonNull(sha256, "expectedSha256");
        String h = sha256.trim().toLowerCase(Locale.ROOT);
        if (!HEX64.matcher(h).matches()) {
            throw new IllegalArgumentException("expected SHA-256 must be 64 hex digits, got '" + sha256 + "'");
        }
        return h;
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }

    private static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
