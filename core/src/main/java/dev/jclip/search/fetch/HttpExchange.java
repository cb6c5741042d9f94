package dev.jclip.search.fetch;

import dev.jclip.search.fetch.UrlFetchException.Reason;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 GET over a socket connected to an address chosen (and checked) by the caller. A
 * hand-made exchange because java.net.http.HttpClient resolves the host name itself and offers
 * no way to pin the address it connects to. For https the TLS session still verifies the
 * certificate against the URL's host name (SNI and endpoint identification), so pinning the
 * address weakens nothing.
 */
final class HttpExchange {
    private static final int MAX_LINE = 8 << 10;
    private static final int MAX_HEADERS = 64 << 10;

    /** A redirect ({@code location} set, no body) or a 200 answer's body. */
    record Response(String location, String contentType, byte[] body) {
    }

    private HttpExchange() {
    }

    static Response get(URI uri, InetAddress address, long maxBytes, long deadline, long timeoutMs, SSLSocketFactory tlsSockets)
            throws UrlFetchException {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        String where = address.getHostAddress() + ":" + port;
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(address, port), remainingMs(deadline, uri, timeoutMs));
            Socket s = raw;
            if (tls) {
                String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                SSLSocket ssl = (SSLSocket) tlsSockets.createSocket(raw, name, port, true);
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                if (!host.startsWith("[") && !Character.isDigit(host.charAt(host.length() - 1))) {
                    p.setServerNames(List.of(new SNIHostName(host)));
                }
                ssl.setSSLParameters(p);
                s = ssl;
            }
            s.setSoTimeout(remainingMs(deadline, uri, timeoutMs)); // bounds the TLS handshake too
            InputStream in = new BufferedInputStream(new DeadlineInput(s, deadline, uri, timeoutMs));
            OutputStream out = s.getOutputStream();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
            String hostHeader = uri.getPort() >= 0 ? host + ":" + uri.getPort() : host;
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: jclip\r\n"
                    + "Accept: image/*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(in, uri, maxBytes);
        } catch (UrlFetchException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw new UrlFetchException(Reason.TIMEOUT, uri + ": took longer than " + timeoutMs + " ms", e);
        } catch (IOException e) {
            throw new UrlFetchException(Reason.NETWORK, uri + ": exchange with " + where + " failed: " + e.getMessage(), e);
        }
    }

    private static Response read(InputStream in, URI uri, long maxBytes) throws IOException {
        String status = line(in, uri);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
            throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": not an HTTP/1.x response ('" + abbreviate(status) + "')");
        }
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new HashMap<>();
        int total = 0;
        for (String h = line(in, uri); !h.isEmpty(); h = line(in, uri)) {
            total += h.length();
            if (total > MAX_HEADERS) {
                throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": response headers over " + MAX_HEADERS + " bytes");
            }
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
        }
        if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
            String location = headers.get("location");
            if (location == null || location.isBlank()) {
                throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": redirect " + code + " without a Location");
            }
            return new Response(location, null, null);
        }
        if (code != 200) {
            throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": the server answered HTTP " + code
                    + (parts.length > 2 ? " " + abbreviate(parts[2]) : ""));
        }
        String encoding = headers.getOrDefault("content-encoding", "identity");
        if (!encoding.equalsIgnoreCase("identity")) {
            throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": the body is " + abbreviate(encoding) + "-encoded; only identity is accepted");
        }
        String te = headers.get("transfer-encoding");
        byte[] body;
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked(in, uri, maxBytes);
        } else if (headers.containsKey("content-length")) {
            long n;
            try {
                n = Long.parseLong(headers.get("content-length"));
            } catch (NumberFormatException e) {
                throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": bad Content-Length '" + abbreviate(headers.get("content-length")) + "'");
            }
            if (n > maxBytes) {
                throw new UrlFetchException(Reason.TOO_LARGE, uri + ": the body is " + n + " bytes; at most " + maxBytes);
            }
            body = in.readNBytes((int) n);
            if (body.length < n) {
                throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": the body ended after " + body.length + " of " + n + " bytes");
            }
        } else {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw new UrlFetchException(Reason.TOO_LARGE, uri + ": the body is over " + maxBytes + " bytes");
            }
        }
        return new Response(null, headers.get("content-type"), body);
    }

    private static byte[] chunked(InputStream in, URI uri, long maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in, uri);
            int semi = size.indexOf(';');
            long n;
            try {
                n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
            } catch (NumberFormatException e) {
                throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": bad chunk size '" + abbreviate(size) + "'");
            }
            if (n < 0 || out.size() + n > maxBytes) {
                throw new UrlFetchException(Reason.TOO_LARGE, uri + ": the body is over " + maxBytes + " bytes");
            }
            if (n == 0) {
                while (!line(in, uri).isEmpty()) {
                    // trailers: ignored
                }
                return out.toByteArray();
            }
            byte[] chunk = in.readNBytes((int) n);
            if (chunk.length < n) {
                throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": the body ended inside a chunk");
            }
            out.write(chunk);
            line(in, uri);
        }
    }

    /** One CRLF- (or LF-) terminated line, at most {@link #MAX_LINE} bytes. */
    private static String line(InputStream in, URI uri) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": the connection closed mid-response");
            }
            if (b.size() >= MAX_LINE) {
                throw new UrlFetchException(Reason.BAD_RESPONSE, uri + ": a response line over " + MAX_LINE + " bytes");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    private static int remainingMs(long deadline, URI uri, long timeoutMs) throws UrlFetchException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new UrlFetchException(Reason.TIMEOUT, uri + ": took longer than " + timeoutMs + " ms");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** Reads that never wait past the deadline of the whole fetch, however slowly the bytes come. */
    private static final class DeadlineInput extends FilterInputStream {
        private final Socket socket;
        private final long deadline;
        private final URI uri;
        private final long timeoutMs;

        DeadlineInput(Socket socket, long deadline, URI uri, long timeoutMs) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = deadline;
            this.uri = uri;
            this.timeoutMs = timeoutMs;
        }

        @Override
        public int read() throws IOException {
            socket.setSoTimeout(remainingMs(deadline, uri, timeoutMs));
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            socket.setSoTimeout(remainingMs(deadline, uri, timeoutMs));
            return super.read(b, off, len);
        }
    }
}
