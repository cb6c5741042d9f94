package dev.jclip.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A well-behaved HTTP server on loopback that counts the requests it answers. */
final class TestHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool;
    private final AtomicInteger requests = new AtomicInteger();

    TestHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.start();
    }

    /** Serves {@code body} at {@code path}, waiting {@code delayMillis} before answering. */
    TestHttpServer file(String path, byte[] body, long delayMillis) {
        server.createContext(path, ex -> {
            count(ex);
            sleep(delayMillis);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        return this;
    }

    TestHttpServer file(String path, byte[] body) {
        return file(path, body, 0);
    }

    TestHttpServer status(String path, int status) {
        server.createContext(path, ex -> {
            count(ex);
            byte[] msg = ("status " + status).getBytes();
            ex.sendResponseHeaders(status, msg.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(msg);
            }
        });
        return this;
    }

    TestHttpServer redirect(String path, String location) {
        server.createContext(path, ex -> {
            count(ex);
            ex.getResponseHeaders().add("Location", location);
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int requests() {
        return requests.get();
    }

    private void count(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        ex.getRequestBody().readAllBytes();
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
