package dev.jclip.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.search.Hit;
import dev.jclip.search.IndexEntry;
import dev.jclip.zeroshot.Vectors;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The HTTP handlers: request shapes in, {@link SearchService} calls, response shapes out. */
final class Endpoints {
    private final SearchService service;
    private final String modelName;
    private final Thumbnails thumbnails = new Thumbnails(192, 1024);

    Endpoints(SearchService service, String modelName) {
        this.service = service;
        this.modelName = modelName;
    }

    void register(Javalin app) {
        app.get("/.well-known/live", ctx -> ctx.status(204));
        app.get("/.well-known/ready", ctx -> ctx.status(204));
        app.get("/meta", this::meta);
        app.post("/vectorize", this::vectorize);
        app.post("/knn-service", this::knn);
        app.get("/indices-list", ctx -> json(ctx, service.hasIndex() ? List.of(service.config().indexName()) : List.of()));
        app.post("/metadata", this::metadata);
        app.post("/api/search", this::search);
        app.get("/api/thumb/{id}", this::thumb);
        app.get("/api/stats", this::stats);
    }

    /** The body, read up to the limit whatever the client declared (a chunked body has no length to check first). */
    private byte[] body(Context ctx) throws IOException {
        long max = service.config().maxBodyBytes();
        byte[] b = ctx.req().getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (b.length > max) {
            throw new ApiError(413, "body over the limit of " + max + " bytes");
        }
        return b;
    }

    static void json(Context ctx, Object body) throws IOException {
        ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
    }

    private void meta(Context ctx) throws IOException {
        var c = service.encoder().clip().config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelName);
        m.put("embed_dim", c.embedDim());
        m.put("image_resolution", c.imageResolution());
        m.put("context_length", c.contextLength());
        m.put("precision", service.encoder().clip().precision().name().toLowerCase());
        m.put("normalized", true);
        json(ctx, m);
    }

    /** Weaviate multi2vec-clip: {"texts":[...],"images":[base64...]} → {"textVectors":[...],"imageVectors":[...]}. */
    private void vectorize(Context ctx) throws IOException {
        ObjectNode req = Json.object(body(ctx));
        List<String> texts = Json.strings(req, "texts", service.config().maxTexts());
        List<String> images64 = Json.strings(req, "images", service.config().maxImages());
        if (texts.isEmpty() && images64.isEmpty()) {
            throw ApiError.badRequest("nothing to vectorize: give 'texts' and/or 'images'");
        }
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < images64.size(); i++) {
            images.add(Json.base64(images64.get(i), "images[" + i + "]"));
        }
        List<float[]> iv = service.images(images, "images");
        List<float[]> tv = service.texts(texts, "texts");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("textVectors", tv);
        out.put("imageVectors", iv);
        json(ctx, out);
    }

    /** clip-retrieval's back end: a kNN query by text, image or embedding. */
    private void knn(Context ctx) throws IOException {
        ObjectNode req = Json.object(body(ctx));
        QueryOptions opts = QueryOptions.of(req);
        String indice = Json.string(req, "indice_name", null);
        if (indice != null && !indice.equals(service.config().indexName())) {
            throw new ApiError(404, "no index named '" + indice + "' (see /indices-list)");
        }
        int max = service.config().maxResults();
        int numImages = Json.integer(req, "num_images", 40, 1, max);
        int numIds = Json.integer(req, "num_result_ids", numImages, 1, max);
        boolean dedup = Json.bool(req, "deduplicate", true);
        float[] q = new float[0];
        String text = Json.string(req, "text", null);
        String image = Json.string(req, "image", null);
        JsonNode emb = req.get("embedding_input");
        List<float[]> parts = new ArrayList<>();
        if (text != null && !text.isEmpty()) {
            parts.addAll(service.texts(List.of(text), "text"));
        }
        if (image != null && !image.isEmpty()) {
            parts.addAll(service.images(List.of(Json.base64(image, "image")), "image"));
        }
        String imageUrl = Json.string(req, "image_url", null);
        if (imageUrl != null && !imageUrl.isEmpty()) {
            parts.add(service.imageUrl(imageUrl, "image_url"));
        }
        if (emb != null && !emb.isNull()) {
            parts.add(embedding(emb));
        }
        if (parts.isEmpty()) {
            throw ApiError.badRequest("give 'text', 'image' (base64), 'image_url' or 'embedding_input'");
        }
        q = sum(parts);
        List<Hit> hits = service.search(opts.request(q, text, Math.max(numIds, numImages), false, -2f));
        if (dedup) {
            hits = service.deduplicate(hits);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Hit h : hits.subList(0, Math.min(numImages, hits.size()))) {
            Map<String, Object> r = metadataOf(ctx, h.entry());
            r.put("id", h.entry().id());
            r.put("similarity", h.score());
            QueryOptions.describe(r, h);
            out.add(r);
        }
        json(ctx, out);
    }

    private float[] embedding(JsonNode emb) {
        int dim = service.encoder().clip().config().embedDim();
        if (!emb.isArray() || emb.size() != dim) {
            throw ApiError.badRequest("'embedding_input' must be an array of " + dim + " numbers");
        }
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            if (!emb.get(i).isNumber() || !Double.isFinite(emb.get(i).asDouble())) {
                throw ApiError.badRequest("'embedding_input[" + i + "]' must be a number");
            }
            v[i] = (float) emb.get(i).asDouble();
        }
        return v;
    }

    private static float[] sum(List<float[]> parts) {
        float[] s = new float[parts.get(0).length];
        for (float[] p : parts) {
            float[] u = Vectors.normalized(p);
            for (int i = 0; i < s.length; i++) {
                s[i] += u[i];
            }
        }
        double n = 0;
        for (float x : s) {
            n += x * x;
        }
        if (n < 1e-12) {
            throw ApiError.badRequest("the query parts cancel out (zero vector)");
        }
        return Vectors.normalized(s);
    }

    /** clip-retrieval's metadata: for a text, its text as caption and the image it describes (if any) as url and path. */
    private Map<String, Object> metadataOf(Context ctx, IndexEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean text = e.modality() == dev.jclip.search.Modality.TEXT;
        long imageId = text ? e.imageId() : e.id();
        m.put("url", imageId >= 0 ? ctx.scheme() + "://" + ctx.host() + "/api/thumb/" + imageId : null);
        m.put("caption", e.caption() != null ? e.caption() : Path.of(e.path()).getFileName().toString());
        m.put("image_path", text ? (imageId >= 0 ? e.source() : null) : e.path());
        m.put("width", e.width());
        m.put("height", e.height());
        return m;
    }

    private void metadata(Context ctx) throws IOException {
        ObjectNode req = Json.object(body(ctx));
        JsonNode ids = req.get("ids");
        if (ids == null || !ids.isArray()) {
            throw ApiError.badRequest("'ids' must be an array of integers");
        }
        if (ids.size() > service.config().maxResults()) {
            throw new ApiError(413, "'ids' has " + ids.size() + " entries; at most " + service.config().maxResults());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).isIntegralNumber() || !ids.get(i).canConvertToLong()) {
                throw ApiError.badRequest("'ids[" + i + "]' must be an integer");
            }
            long id = ids.get(i).asLong();
            var e = service.index().entry(id);
            if (e.isPresent() && !e.get().isBad()) {
                out.add(Map.of("id", id, "metadata", metadataOf(ctx, e.get())));
            }
        }
        json(ctx, out);
    }

    /** The page's search: {"terms":[{"text"|"image"|"url"|"id": ..., "weight": w}], "n", "exact", "threshold"}. */
    private void search(Context ctx) throws IOException {
        ObjectNode req = Json.object(body(ctx));
        JsonNode terms = req.get("terms");
        if (terms == null || !terms.isArray() || terms.isEmpty()) {
            throw ApiError.badRequest("'terms' must be a non-empty array of {\"text\"|\"image\"|\"id\": ..., \"weight\": w}");
        }
        if (terms.size() > 16) {
            throw new ApiError(413, "'terms' has " + terms.size() + " entries; at most 16");
        }
        int n = Json.integer(req, "n", 24, 1, service.config().maxResults());
        boolean exact = Json.bool(req, "exact", false);
        QueryOptions opts = QueryOptions.of(req);
        StringBuilder words = new StringBuilder();
        float threshold = (float) Json.number(req, "threshold", -2);
        long t0 = System.nanoTime();
        float[] q = null;
        for (int i = 0; i < terms.size(); i++) {
            JsonNode t = terms.get(i);
            if (!t.isObject()) {
                throw ApiError.badRequest("'terms[" + i + "]' must be an object");
            }
            double w = Json.number(t, "weight", 1);
            String field = "terms[" + i + "]";
            float[] v;
            if (t.has("text")) {
                v = service.texts(List.of(textOf(t, field)), field + ".text").get(0);
                if (w > 0) {
                    words.append(textOf(t, field)).append(' ');
                }
            } else if (t.has("image")) {
                v = service.images(List.of(Json.base64(Json.string(t, "image", ""), field + ".image")), field + ".image").get(0);
            } else if (t.has("url")) {
                v = service.imageUrl(Json.string(t, "url", ""), field + ".url");
            } else if (t.has("id")) {
                if (!t.get("id").isIntegralNumber() || !t.get("id").canConvertToLong()) {
                    throw ApiError.badRequest("'" + field + ".id' must be an integer image id");
                }
                v = service.indexed(t.get("id").asLong());
            } else {
                throw ApiError.badRequest("'" + field + "' needs one of 'text', 'image', 'url' or 'id'");
            }
            if (q == null) {
                q = new float[v.length];
            }
            for (int k = 0; k < v.length; k++) {
                q[k] += (float) (w * v[k]);
            }
        }
        double norm = 0;
        for (float x : q) {
            norm += x * x;
        }
        if (norm < 1e-12) {
            throw ApiError.badRequest("the query terms cancel out (zero vector)");
        }
        long t1 = System.nanoTime();
        List<Hit> hits = service.search(opts.request(q, words.toString(), n, exact, threshold));
        long t2 = System.nanoTime();
        List<Map<String, Object>> rs = new ArrayList<>();
        for (Hit h : hits) {
            IndexEntry e = h.entry();
            long imageId = e.modality() == dev.jclip.search.Modality.TEXT ? e.imageId() : e.id();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", e.id());
            r.put("name", QueryOptions.name(e));
            r.put("path", e.path());
            r.put("score", h.score());
            r.put("width", e.width());
            r.put("height", e.height());
            r.put("thumb", imageId >= 0 ? "/api/thumb/" + imageId : null);
            QueryOptions.describe(r, h);
            rs.add(r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("results", rs);
        out.put("timings_ms", Map.of("embed", (t1 - t0) / 1e6, "search", (t2 - t1) / 1e6));
        json(ctx, out);
    }

    private static String textOf(JsonNode t, String field) {
        JsonNode v = t.get("text");
        if (!v.isTextual()) {
            throw ApiError.badRequest("'" + field + ".text' must be a string");
        }
        return v.asText();
    }

    private void thumb(Context ctx) throws IOException {
        String raw = ctx.pathParam("id");
        if (!raw.matches("[0-9]{1,18}")) {
            throw ApiError.badRequest("thumbnails are addressed by numeric id only, not '" + raw + "'");
        }
        IndexEntry e = service.index().entry(Long.parseLong(raw))
                .orElseThrow(() -> new ApiError(404, "no indexed image with id " + raw));
        if (e.isBad()) {
            throw new ApiError(404, "image " + raw + " could not be decoded when indexed");
        }
        if (e.modality() == dev.jclip.search.Modality.TEXT) {
            throw new ApiError(404, "entry " + raw + " is a text, not an image");
        }
        Path file = Path.of(e.path());
        if (!Files.isRegularFile(file)) {
            throw new ApiError(404, "image " + raw + " is gone from disk (re-run clip index)");
        }
        try {
            byte[] jpeg = thumbnails.jpeg(e.id(), file, e.mtimeMillis());
            ctx.contentType("image/jpeg").header("Cache-Control", "max-age=3600").result(jpeg);
        } catch (IOException ex) {
            throw new ApiError(404, "image " + raw + " is no longer readable: " + ex.getMessage());
        }
    }

    private void stats(Context ctx) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelName);
        m.put("images", service.hasIndex() ? service.index().size() : 0);
        m.put("texts", service.hasIndex() ? service.index().textCount() : 0);
        m.put("mean_encoder_batch", service.encoder().meanBatch());
        m.put("encoder_calls", service.encoder().batches());
        json(ctx, m);
    }
}
