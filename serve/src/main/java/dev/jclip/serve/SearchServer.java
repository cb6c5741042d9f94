package dev.jclip.serve;

import dev.jclip.Clip;
import dev.jclip.search.ImageIndex;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code clip serve}: one warm model (requests batched together for the encoder) and an optional
 * index, over HTTP (Javalin on Jetty). Endpoints:
 * <ul>
 *   <li>Weaviate multi2vec-clip: {@code POST /vectorize}, {@code GET /meta}, {@code GET /.well-known/live|ready};</li>
 *   <li>clip-retrieval: {@code POST /knn-service}, {@code GET /indices-list}, {@code POST /metadata};</li>
 *   <li>the page's own API: {@code POST /api/search}, {@code GET /api/thumb/{id}}, {@code GET /api/stats};</li>
 *   <li>the page: {@code GET /} with {@code /app.js} and {@code /style.css}, served from the jar.</li>
 * </ul>
 * Bad requests get a 4xx JSON {@code {"error": "..."}} and the server keeps serving. Binds to
 * loopback unless told otherwise; with an API key every endpoint, the page included, needs it.
 */
public final class SearchServer implements AutoCloseable {
    private static final String WEB = "/dev/jclip/serve/web/";
    private final Javalin app;
    private final SearchService service;
    private final EncoderBatcher encoder;

    private SearchServer(Javalin app, SearchService service, EncoderBatcher encoder) {
        this.app = app;
        this.service = service;
        this.encoder = encoder;
    }

    /** Starts serving; {@code index} may be null (embedding endpoints only). Port 0 picks a free one. */
    public static SearchServer start(Clip clip, ImageIndex index, String modelName, ServerConfig config) {
        EncoderBatcher encoder = new EncoderBatcher(clip, config.maxBatch(), config.batchWaitMs());
        SearchService service = new SearchService(encoder, index, config);
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = config.maxBodyBytes();
        });
        Endpoints endpoints = new Endpoints(service, modelName);
        app.before(ctx -> authorize(ctx, config.apiKey()));
        app.before(ctx -> {
            long len = ctx.req().getContentLengthLong();
            if (len > config.maxBodyBytes()) {
                throw new ApiError(413, "body of " + len + " bytes; at most " + config.maxBodyBytes());
            }
        });
        endpoints.register(app);
        app.get("/", ctx -> resource(ctx, "index.html", "text/html; charset=utf-8"));
        app.get("/app.js", ctx -> resource(ctx, "app.js", "text/javascript; charset=utf-8"));
        app.get("/style.css", ctx -> resource(ctx, "style.css", "text/css; charset=utf-8"));
        app.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> error(ctx, 500, "internal error: " + e));
        app.error(404, ctx -> {
            if (ctx.result() == null || !ctx.res().getContentType().startsWith("application/json")) {
                error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
            }
        });
        app.error(405, ctx -> error(ctx, 405, "method " + ctx.method() + " not allowed on " + ctx.path()));
        app.start(config.host(), config.port());
        return new SearchServer(app, service, encoder);
    }

    private static void authorize(Context ctx, String key) {
        if (key == null) {
            return;
        }
        String given = ctx.header("X-API-Key");
        String auth = ctx.header("Authorization");
        if (given == null && auth != null && auth.startsWith("Bearer ")) {
            given = auth.substring(7).strip();
        }
        if (given == null) {
            given = ctx.queryParam("key");
        }
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError(401, "missing or wrong API key (header 'Authorization: Bearer KEY', 'X-API-Key: KEY' or ?key=KEY)");
        }
    }

    private static void resource(Context ctx, String name, String type) throws IOException {
        try (InputStream in = SearchServer.class.getResourceAsStream(WEB + name)) {
            if (in == null) {
                throw new ApiError(404, "missing resource " + name);
            }
            ctx.contentType(type).result(in.readAllBytes());
        }
    }

    static void error(Context ctx, int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        try {
            ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            ctx.status(status).result(message);
        }
    }

    public int port() {
        return app.port();
    }

    /** Mean items per encoder call so far. */
    public double meanBatch() {
        return encoder.meanBatch();
    }

    @Override
    public void close() throws InterruptedException {
        app.stop();
        encoder.close();
    }
}
