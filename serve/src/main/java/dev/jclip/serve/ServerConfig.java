package dev.jclip.serve;

import dev.jclip.search.fetch.FetchPolicy;

/**
 * Server settings. Limits are part of the API contract (stated in docs/search.md): a request over
 * them gets a 4xx answer, never an allocation of whatever size a client asks for.
 *
 * @param apiKey       when not null, every endpoint needs it (header {@code Authorization: Bearer K},
 *                     {@code X-API-Key: K} or query parameter {@code key=K})
 * @param maxBatch     most items (texts or images) encoded in one model call; 1 turns batching off
 * @param batchWaitMs  how long the encoder waits for more requests once it has one
 * @param fetch        bounds of {@code image_url} and {@code url} fetches, and whether private addresses may be reached
 */
public record ServerConfig(String host, int port, String apiKey, long maxBodyBytes, int maxTexts, int maxImages,
                           int maxTextChars, int maxResults, int maxBatch, int batchWaitMs, String indexName,
                           FetchPolicy fetch) {
    public static final long DEFAULT_MAX_BODY = 16L << 20;

    /** The settings without the fetch policy, which is then {@link FetchPolicy#defaults()} (public addresses only). */
    public ServerConfig(String host, int port, String apiKey, long maxBodyBytes, int maxTexts, int maxImages,
                        int maxTextChars, int maxResults, int maxBatch, int batchWaitMs, String indexName) {
        this(host, port, apiKey, maxBodyBytes, maxTexts, maxImages, maxTextChars, maxResults, maxBatch, batchWaitMs, indexName,
                FetchPolicy.defaults());
    }

    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, null, DEFAULT_MAX_BODY, 256, 16, 2000, 1000, 32, 0, "jclip");
    }

    /** Query by URL (issue 24): other fetch bounds, e.g. private addresses allowed ({@code --allow-private-urls}). */
    public ServerConfig withFetch(FetchPolicy f) {
        return new ServerConfig(host, port, apiKey, maxBodyBytes, maxTexts, maxImages, maxTextChars, maxResults, maxBatch, batchWaitMs, indexName, f);
    }

    public ServerConfig withHostPort(String h, int p) {
        return new ServerConfig(h, p, apiKey, maxBodyBytes, maxTexts, maxImages, maxTextChars, maxResults, maxBatch, batchWaitMs, indexName, fetch);
    }

    public ServerConfig withApiKey(String k) {
        return new ServerConfig(host, port, k, maxBodyBytes, maxTexts, maxImages, maxTextChars, maxResults, maxBatch, batchWaitMs, indexName, fetch);
    }

    public ServerConfig withBatching(int max, int waitMs) {
        return new ServerConfig(host, port, apiKey, maxBodyBytes, maxTexts, maxImages, maxTextChars, maxResults, max, waitMs, indexName, fetch);
    }

    public ServerConfig withIndexName(String n) {
        return new ServerConfig(host, port, apiKey, maxBodyBytes, maxTexts, maxImages, maxTextChars, maxResults, maxBatch, batchWaitMs, n, fetch);
    }
}
