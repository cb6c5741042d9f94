package dev.jclip.search.fetch;

import java.io.IOException;

/** A URL that was not fetched, with why; {@link #reason()} lets a server pick the status. */
public final class UrlFetchException extends IOException {
    /** Why a fetch failed. */
    public enum Reason {
        /** Not an absolute http(s) URL, or a host in a form that reads differently elsewhere. */
        BAD_URL,
        /** The host resolves to an address that is not public (and private ones are not allowed). */
        REFUSED_ADDRESS,
        /** The body is over the byte limit (declared or read). */
        TOO_LARGE,
        /** The exchange took longer than the policy's timeout. */
        TIMEOUT,
        TOO_MANY_REDIRECTS,
        /** The server answered with a status other than 200 or a redirect, or with a malformed response. */
        BAD_RESPONSE,
        /** Name resolution or the connection failed. */
        NETWORK
    }

    private final Reason reason;

    public UrlFetchException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public UrlFetchException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
