package dev.jclip.search.fetch;

import java.time.Duration;

/**
 * Bounds of one URL fetch: the most bytes read (headers aside), the whole exchange's time over all
 * hops, the most redirects followed, and whether private, loopback and other non-public addresses
 * may be reached ({@code --allow-private-urls}).
 */
public record FetchPolicy(long maxBytes, Duration timeout, int maxRedirects, boolean allowPrivate) {
    /** 16 MiB, the server's body limit: an image that could be posted can also be fetched. */
    public static final long DEFAULT_MAX_BYTES = 16L << 20;

    public FetchPolicy {
        if (maxBytes < 1 || timeout.isNegative() || timeout.isZero() || maxRedirects < 0) {
            throw new IllegalArgumentException("bad fetch policy: " + maxBytes + " bytes, " + timeout + ", " + maxRedirects + " redirects");
        }
    }

    /** 16 MiB, 10 s, 5 redirects, public addresses only. */
    public static FetchPolicy defaults() {
        return new FetchPolicy(DEFAULT_MAX_BYTES, Duration.ofSeconds(10), 5, false);
    }

    public FetchPolicy withAllowPrivate(boolean allow) {
        return new FetchPolicy(maxBytes, timeout, maxRedirects, allow);
    }
}
