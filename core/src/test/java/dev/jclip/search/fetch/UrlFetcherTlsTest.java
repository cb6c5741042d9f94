package dev.jclip.search.fetch;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.jclip.search.fetch.UrlFetchException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * https through the pinned connection: the certificate is still verified against the URL's host
 * name, not against the address connected to. A loopback HTTPS server holds a self-signed
 * certificate for "localhost" only (made with the JDK's keytool).
 */
class UrlFetcherTlsTest {
    @Test
    void theCertificateIsCheckedAgainstTheUrlsHostName(@TempDir Path tmp) throws Exception {
        Path ks = tmp.resolve("ks.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "s", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);
        SSLContext clientCtx = SSLContext.getInstance("TLS");
        clientCtx.init(null, tmf.getTrustManagers(), null);

        byte[] body = "an image, say".getBytes();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverCtx));
        server.createContext("/img", x -> {
            x.sendResponseHeaders(200, body.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            UrlFetcher.Resolver resolver = host -> host.equals("other.test")
                    ? new InetAddress[]{InetAddress.getByName("127.0.0.1")} : InetAddress.getAllByName(host);
            UrlFetcher f = new UrlFetcher(new FetchPolicy(1 << 20, Duration.ofSeconds(10), 3, true), resolver,
                    AddressCheck::refusal, clientCtx.getSocketFactory());
            assertArrayEquals(body, f.fetch("https://localhost:" + port + "/img").body());
            for (String url : new String[]{"https://127.0.0.1:" + port + "/img", "https://other.test:" + port + "/img"}) {
                UrlFetchException e = assertThrows(UrlFetchException.class, () -> f.fetch(url));
                assertEquals(Reason.NETWORK, e.reason(), e.getMessage());
                assertTrue(e.getMessage().contains("No subject alternative"), "a certificate for another name: " + e.getMessage());
            }
        } finally {
            server.stop(0);
        }
    }
}
