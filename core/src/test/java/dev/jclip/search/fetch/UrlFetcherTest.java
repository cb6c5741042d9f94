package dev.jclip.search.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jclip.search.fetch.UrlFetchException.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fetching over a loopback server, and a table of hostile URLs each refused with its reason. */
class UrlFetcherTest {
    static final byte[] BODY = "0123456789".repeat(100).getBytes();
    static HttpServer server;
    static String base;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/img", x -> send(x, 200, BODY, BODY.length));
        server.createContext("/chunked", x -> send(x, 200, BODY, 0));
        server.createContext("/redirect", x -> redirect(x, "/img"));
        server.createContext("/loop", x -> redirect(x, "/loop"));
        server.createContext("/to-loopback", x -> redirect(x, "http://127.0.0.1:" + server.getAddress().getPort() + "/img"));
        server.createContext("/to-file", x -> redirect(x, "file:///etc/passwd"));
        server.createContext("/missing", x -> send(x, 404, new byte[0], -1));
        server.createContext("/slow", x -> {
            x.sendResponseHeaders(200, 0);
            try (OutputStream o = x.getResponseBody()) {
                for (int i = 0; i < 40; i++) {
                    o.write('x');
                    o.flush();
                    Thread.sleep(100);
                }
            } catch (InterruptedException | IOException e) {
                // the client hung up: expected
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static void send(HttpExchange x, int status, byte[] body, long length) throws IOException {
        x.sendResponseHeaders(status, length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    static void redirect(HttpExchange x, String to) throws IOException {
        x.getResponseHeaders().add("Location", to);
        send(x, 302, new byte[0], -1);
    }

    static FetchPolicy allowing() {
        return new FetchPolicy(10_000, Duration.ofSeconds(2), 3, true);
    }

    @Test
    void fetchesWithLengthChunkedAndThroughARedirect() throws Exception {
        UrlFetcher f = new UrlFetcher(allowing());
        assertArrayEquals(BODY, f.fetch(base + "/img").body());
        assertArrayEquals(BODY, f.fetch(base + "/chunked").body());
        UrlFetcher.Fetched r = f.fetch(base + "/redirect");
        assertArrayEquals(BODY, r.body());
        assertTrue(r.uri().toString().endsWith("/img"), r.uri().toString());
    }

    @Test
    void boundsOnSizeTimeRedirectsAndStatus() {
        UrlFetcher small = new UrlFetcher(new FetchPolicy(999, Duration.ofSeconds(2), 3, true));
        assertReason(Reason.TOO_LARGE, "1000 bytes; at most 999", () -> small.fetch(base + "/img"));
        assertReason(Reason.TOO_LARGE, "over 999 bytes", () -> small.fetch(base + "/chunked"));
        UrlFetcher f = new UrlFetcher(new FetchPolicy(10_000, Duration.ofMillis(700), 3, true));
        long t0 = System.nanoTime();
        assertReason(Reason.TIMEOUT, "longer than 700 ms", () -> f.fetch(base + "/slow"));
        assertTrue((System.nanoTime() - t0) / 1e6 < 2500, "a slow drip is cut at the deadline, not per read");
        assertReason(Reason.TOO_MANY_REDIRECTS, "more than 3 redirects", () -> f.fetch(base + "/loop"));
        assertReason(Reason.BAD_RESPONSE, "HTTP 404", () -> f.fetch(base + "/missing"));
        assertReason(Reason.BAD_URL, "only http and https", () -> f.fetch(base + "/to-file"));
    }

    @Test
    void everyHopIsCheckedAndTheCheckedAddressIsTheOneConnected() throws Exception {
        int port = server.getAddress().getPort();
        AtomicInteger lookups = new AtomicInteger();
        // "public.test" stands for a public host: the test's resolver answers with the loopback
        // server's address, and the check trusts exactly that answer; 127.0.0.1 itself stays refused
        InetAddress vouched = InetAddress.getByAddress("public.test", new byte[]{127, 0, 0, 1});
        UrlFetcher.Resolver resolver = host -> {
            if (host.equals("public.test")) {
                // a rebinding DNS: public on the first answer, loopback on every later one
                return new InetAddress[]{lookups.getAndIncrement() == 0 ? vouched : InetAddress.getByName("127.0.0.1")};
            }
            return InetAddress.getAllByName(host);
        };
        UrlFetcher f = new UrlFetcher(FetchPolicy.defaults(), resolver,
                a -> a == vouched ? null : AddressCheck.refusal(a), null);
        assertArrayEquals(BODY, f.fetch("http://public.test:" + port + "/img").body());
        assertEquals(1, lookups.get(), "resolved once, and the connection went to the checked answer");
        assertReason(Reason.REFUSED_ADDRESS, "resolves to 127.0.0.1, a loopback address",
                () -> f.fetch("http://public.test:" + port + "/img"));
        lookups.set(0);
        assertReason(Reason.REFUSED_ADDRESS, "'127.0.0.1' resolves to 127.0.0.1, a loopback address",
                () -> f.fetch("http://public.test:" + port + "/to-loopback"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "file:///etc/passwd                          | BAD_URL          | only http and https URLs are fetched, not file:",
            "ftp://example.com/cat.png                   | BAD_URL          | not ftp:",
            "gopher://127.0.0.1:70/_GET                  | BAD_URL          | not gopher:",
            "cat.png                                     | BAD_URL          | only http and https",
            "http://user:pw@example.com/cat.png          | BAD_URL          | credentials",
            "http://2130706433/                          | BAD_URL          | non-canonical numeric IPv4",
            "http://0177.0.0.1/                          | BAD_URL          | non-canonical numeric IPv4",
            "http://0x7f000001/                          | BAD_URL          | non-canonical numeric IPv4",
            "http://127.1/                               | BAD_URL          | non-canonical numeric IPv4",
            "http://127.0.0.1/                           | REFUSED_ADDRESS  | a loopback address",
            "http://localhost:8080/                      | REFUSED_ADDRESS  | loopback",
            "http://[::1]/                               | REFUSED_ADDRESS  | a loopback address",
            "http://169.254.169.254/latest/meta-data/    | REFUSED_ADDRESS  | a link-local address",
            "http://[fe80::1]/                           | REFUSED_ADDRESS  | a link-local address",
            "http://10.0.0.1/                            | REFUSED_ADDRESS  | a private address",
            "http://172.16.0.1/                          | REFUSED_ADDRESS  | a private address",
            "http://192.168.1.1/                         | REFUSED_ADDRESS  | a private address",
            "http://100.64.0.1/                          | REFUSED_ADDRESS  | carrier-grade NAT",
            "http://[fd00::1]/                           | REFUSED_ADDRESS  | unique local",
            "http://224.0.0.1/                           | REFUSED_ADDRESS  | a multicast address",
            "http://[ff02::1]/                           | REFUSED_ADDRESS  | a multicast address",
            "http://0.0.0.0/                             | REFUSED_ADDRESS  | the unspecified address",
            "http://[::]/                                | REFUSED_ADDRESS  | the unspecified address",
            "http://[::ffff:127.0.0.1]/                  | REFUSED_ADDRESS  | a loopback address",
            "http://[::ffff:a9fe:a9fe]/                  | REFUSED_ADDRESS  | a link-local address",
            "http://[::ffff:0:7f00:1]/                   | REFUSED_ADDRESS  | a loopback address (embedded in",
            "http://[::127.0.0.1]/                       | REFUSED_ADDRESS  | a loopback address (embedded in",
            "http://[64:ff9b::a00:1]/                    | REFUSED_ADDRESS  | a private address (embedded in",
            "http://[2002:c0a8:101::1]/                  | REFUSED_ADDRESS  | a private address (embedded in",
            "http://255.255.255.255/                     | REFUSED_ADDRESS  | reserved or broadcast",
    })
    void hostileUrlsAreRefusedBeforeAnyConnection(String url, Reason reason, String why) {
        UrlFetcher f = new UrlFetcher(FetchPolicy.defaults());
        assertReason(reason, why.strip(), () -> f.fetch(url.strip()));
    }

    @Test
    void publicAddressesPassTheCheck() throws UnknownHostException {
        for (String a : new String[]{"93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1", "100.128.0.1"}) {
            assertNull(AddressCheck.refusal(InetAddress.getByName(a)), a);
        }
        assertNull(AddressCheck.hostRefusal("example.com"));
        assertNull(AddressCheck.hostRefusal("1.2.3.4"));
        assertTrue(UrlFetcher.looksLikeUrl("https://x/y.png") && UrlFetcher.looksLikeUrl("file:/etc/passwd"));
        assertTrue(!UrlFetcher.looksLikeUrl("a dog: in the snow") && !UrlFetcher.looksLikeUrl("./cat.png"));
    }

    interface Call {
        void run() throws Exception;
    }

    static void assertReason(Reason reason, String messagePart, Call call) {
        UrlFetchException e = assertThrows(UrlFetchException.class, call::run);
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "'" + e.getMessage() + "' should say '" + messagePart + "'");
    }
}
