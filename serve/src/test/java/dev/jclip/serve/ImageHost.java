package dev.jclip.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A loopback HTTP server for the URL-query tests: {@code /img/NAME} serves a fixture image, and
 * fixed routes serve what a hostile or broken host would (redirect loops, a redirect to another
 * loopback port, a large body, a slow drip, text, a decompression bomb).
 */
final class ImageHost implements AutoCloseable {
    private final HttpServer server;

    ImageHost() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/img/", x -> {
            Path p = TestIndex.anyImage(x.getRequestURI().getPath().substring("/img/".length()));
            x.getResponseHeaders().add("Content-Type", "image/png");
            send(x, 200, Files.readAllBytes(p));
        });
        server.createContext("/redirect/", x -> redirect(x, "/img/" + x.getRequestURI().getPath().substring("/redirect/".length())));
        server.createContext("/loop", x -> redirect(x, "/loop"));
        server.createContext("/big", x -> send(x, 200, new byte[3 << 20]));
        server.createContext("/text", x -> {
            x.getResponseHeaders().add("Content-Type", "text/html");
            send(x, 200, "<html>not an image</html>".getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/bomb.png", x -> send(x, 200, bombPng()));
        server.createContext("/slow", x -> {
            x.sendResponseHeaders(200, 0);
            try (OutputStream o = x.getResponseBody()) {
                for (int i = 0; i < 50; i++) {
                    o.write(0);
                    o.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up: expected
            }
        });
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "image-host");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static void send(HttpExchange x, int status, byte[] body) throws IOException {
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    private static void redirect(HttpExchange x, String to) throws IOException {
        x.getResponseHeaders().add("Location", to);
        send(x, 302, new byte[0]);
    }

    /** A valid PNG header claiming 60000 × 60000 pixels, with a tiny body. */
    static byte[] bombPng() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(60000).putInt(60000).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(z, new Deflater())) {
            d.write(new byte[1000]);
        }
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
