package dev.jclip.serve;

import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.ImageDecodeException;
import dev.jclip.image.ImageDecoder;
import dev.jclip.search.Hit;
import dev.jclip.search.ImageIndex;
import dev.jclip.search.PixelLimit;
import dev.jclip.search.SearchRequest;
import dev.jclip.search.fetch.UrlFetchException;
import dev.jclip.search.fetch.UrlFetcher;
import dev.jclip.zeroshot.Vectors;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the endpoints share: validation of texts and images, embedding through the batcher, and
 * search in the (optional) index. Every refusal is an {@link ApiError} with a 4xx status.
 */
final class SearchService {
    private final EncoderBatcher encoder;
    private final ImageIndex index;
    private final ServerConfig config;
    private final ClipPreprocessor pre;
    private final UrlFetcher fetcher;
    /** Fetches wait on other hosts for up to the fetch timeout: a few at a time, so they cannot take every request thread. */
    private final java.util.concurrent.Semaphore fetches = new java.util.concurrent.Semaphore(MAX_FETCHES);
    static final int MAX_FETCHES = 8;

    SearchService(EncoderBatcher encoder, ImageIndex index, ServerConfig config) {
        this.encoder = encoder;
        this.index = index;
        this.config = config;
        this.pre = encoder.clip().preprocessor();
        this.fetcher = new UrlFetcher(config.fetch());
    }

    EncoderBatcher encoder() {
        return encoder;
    }

    ServerConfig config() {
        return config;
    }

    private volatile long lastRefresh = System.nanoTime();

    ImageIndex index() {
        if (index == null) {
            throw new ApiError(404, "this server has no index (started without one): only /vectorize works");
        }
        long now = System.nanoTime();
        if (now - lastRefresh > 5_000_000_000L) {
            // pick up what a concurrent `clip index` committed, at most every 5 s
            lastRefresh = now;
            try {
                index.refresh();
            } catch (IOException e) {
                throw new ApiError(500, "index refresh failed: " + e.getMessage());
            }
        }
        return index;
    }

    boolean hasIndex() {
        return index != null;
    }

    List<float[]> texts(List<String> texts, String field) {
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t.isBlank()) {
                throw ApiError.badRequest(field + "[" + i + "] is empty");
            }
            if (t.length() > config.maxTextChars()) {
                throw ApiError.badRequest(field + "[" + i + "] has " + t.length() + " characters; at most " + config.maxTextChars());
            }
        }
        return texts.isEmpty() ? List.of() : encoder.texts(texts);
    }

    List<float[]> images(List<byte[]> images, String field) {
        if (images.size() > config.maxImages()) {
            throw new ApiError(413, field + " has " + images.size() + " images; at most " + config.maxImages() + " per request");
        }
        List<float[]> px = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            String name = field + "[" + i + "]";
            try {
                PixelLimit.check(images.get(i), name);
                px.add(pre.preprocess(ImageDecoder.decode(images.get(i), name)));
            } catch (ImageDecodeException e) {
                throw ApiError.badRequest(e.getMessage());
            } catch (RuntimeException e) {
                throw ApiError.badRequest(name + ": not a decodable image (" + e.getMessage() + ")");
            }
        }
        return px.isEmpty() ? List.of() : encoder.images(px);
    }

    /**
     * Query by URL (issue 24): the image at {@code url}, fetched within the config's
     * {@link dev.jclip.search.fetch.FetchPolicy} and decoded under the same limits as a posted one.
     * A body over the byte limit is a 413, every other refusal a 400 that names the reason.
     */
    float[] imageUrl(String url, String field) {
        if (url.length() > 8192) {
            throw ApiError.badRequest(field + ": a URL of " + url.length() + " characters; at most 8192");
        }
        if (!fetches.tryAcquire()) {
            throw new ApiError(429, field + ": " + MAX_FETCHES + " URL fetches are already under way; try again");
        }
        byte[] body;
        try {
            body = fetcher.fetch(url).body();
        } catch (UrlFetchException e) {
            throw new ApiError(e.reason() == UrlFetchException.Reason.TOO_LARGE ? 413 : 400,
                    field + ": not fetched: " + e.getMessage());
        } finally {
            fetches.release();
        }
        return images(List.of(body), field).get(0);
    }

    float[] indexed(long id) {
        try {
            return index().vector(id).orElseThrow(() -> new ApiError(404, "no indexed image with id " + id));
        } catch (IOException e) {
            throw new ApiError(500, "index read failed: " + e.getMessage());
        }
    }

    List<Hit> search(SearchRequest r) {
        try {
            return index().search(r);
        } catch (IOException e) {
            throw new ApiError(500, "index read failed: " + e.getMessage());
        }
    }

    /** Drops hits whose vector is near-identical (cosine ≥ 0.98) to a better one already kept. */
    List<Hit> deduplicate(List<Hit> hits) {
        List<Hit> kept = new ArrayList<>();
        List<float[]> vs = new ArrayList<>();
        outer:
        for (Hit h : hits) {
            float[] v = indexed(h.entry().id());
            for (float[] k : vs) {
                if (Vectors.dot(k, v) >= 0.98f) {
                    continue outer;
                }
            }
            kept.add(h);
            vs.add(v);
        }
        return kept;
    }
}
