package dev.jclip.search.fetch;

import dev.jclip.search.fetch.UrlFetchException.Reason;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Fetches an image by http(s) URL for a query, within a {@link FetchPolicy}. Redirects are
 * followed by hand, and every hop is checked the same way: the scheme, the host's written form,
 * then every address the host resolves to ({@link AddressCheck}); the connection then goes to
 * the address that was checked, never to the name again, so a DNS answer that changes between
 * check and connect (rebinding) cannot reach an address that was not checked. The byte limit
 * holds for declared and undeclared lengths alike, and the time limit for the whole exchange,
 * so a slow drip is cut off too.
 */
public final class UrlFetcher {
    /** What a fetch brought back. */
    public record Fetched(URI uri, String contentType, byte[] body) {
    }

    /** Resolves host names; tests substitute one that answers differently (rebinding). */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final ExecutorService RESOLVING = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "url-resolve");
        t.setDaemon(true);
        return t;
    });

    private final FetchPolicy policy;
    private final Resolver resolver;
    private final Function<InetAddress, String> refusal;
    private final SSLSocketFactory tlsSockets;

    public UrlFetcher(FetchPolicy policy) {
        this(policy, InetAddress::getAllByName, AddressCheck::refusal, null);
    }

    /**
     * With another resolver, address check and TLS trust: tests vouch for a loopback server as if
     * it were public, and trust their own certificate. A null {@code tlsSockets} is the JDK's default.
     */
    UrlFetcher(FetchPolicy policy, Resolver resolver, Function<InetAddress, String> refusal, SSLSocketFactory tlsSockets) {
        this.policy = policy;
        this.resolver = resolver;
        this.refusal = refusal;
        this.tlsSockets = tlsSockets;
    }

    public FetchPolicy policy() {
        return policy;
    }

    /** True when {@code s} looks like a URL (scheme://...) rather than a path or a text. */
    public static boolean looksLikeUrl(String s) {
        return s.matches("(?s)[A-Za-z][A-Za-z0-9+.-]*:.*") && (s.contains("://") || s.regionMatches(true, 0, "file:", 0, 5));
    }

    /** The body at {@code url} after at most {@code maxRedirects} checked redirects. */
    public Fetched fetch(String url) throws UrlFetchException {
        long deadline = System.nanoTime() + policy.timeout().toNanos();
        URI uri = parse(url);
        for (int hop = 0; ; hop++) {
            InetAddress address = check(uri, deadline);
            HttpExchange.Response r = HttpExchange.get(uri, address, policy.maxBytes(), deadline, policy.timeout().toMillis(),
                    tlsSockets != null ? tlsSockets : (SSLSocketFactory) SSLSocketFactory.getDefault());
            if (r.location() == null) {
                return new Fetched(uri, r.contentType(), r.body());
            }
            if (hop == policy.maxRedirects()) {
                throw new UrlFetchException(Reason.TOO_MANY_REDIRECTS, url + ": more than " + policy.maxRedirects() + " redirects");
            }
            try {
                uri = parse(uri.resolve(new URI(r.location())).toString());
            } catch (URISyntaxException e) {
                throw new UrlFetchException(Reason.BAD_RESPONSE, uri + " redirects to a malformed location '" + r.location() + "'");
            }
        }
    }

    private static URI parse(String url) throws UrlFetchException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UrlFetchException(Reason.BAD_URL, "not a valid URL '" + url + "': " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UrlFetchException(Reason.BAD_URL, "'" + url + "': only http and https URLs are fetched"
                    + (scheme.isEmpty() ? "" : ", not " + scheme + ":"));
        }
        if (uri.getHost() == null) {
            // java.net.URI takes no host from an authority such as 127.1 (not a valid name)
            String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceFirst(":[0-9]*$", "");
            String why = AddressCheck.hostRefusal(authority);
            throw new UrlFetchException(Reason.BAD_URL, "'" + url + "' names no valid host" + (why == null ? "" : ": " + why));
        }
        if (uri.getRawUserInfo() != null) {
            throw new UrlFetchException(Reason.BAD_URL, "'" + url + "': URLs with credentials (user@host) are not fetched");
        }
        String why = AddressCheck.hostRefusal(uri.getHost());
        if (why != null) {
            throw new UrlFetchException(Reason.BAD_URL, url + ": " + why);
        }
        return uri;
    }

    /** The address to connect to for {@code uri}: every address of the host checked, the first taken. */
    private InetAddress check(URI uri, long deadline) throws UrlFetchException {
        String host = uri.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all;
        // the system resolver has its own, long timeouts: the lookup waits at most the time left
        Future<InetAddress[]> lookup = RESOLVING.submit(() -> resolver.resolve(bare));
        try {
            all = lookup.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new UrlFetchException(Reason.NETWORK, uri + ": cannot resolve host '" + bare + "'", e.getCause());
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new UrlFetchException(Reason.TIMEOUT, uri + ": resolving '" + bare + "' took longer than "
                    + policy.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UrlFetchException(Reason.NETWORK, uri + ": interrupted while resolving '" + bare + "'", e);
        }
        if (all == null || all.length == 0) {
            throw new UrlFetchException(Reason.NETWORK, uri + ": host '" + bare + "' has no address");
        }
        if (!policy.allowPrivate()) {
            // one bad address refuses the host: a name with a public and a private answer is an attack
            for (InetAddress a : all) {
                String why = refusal.apply(a);
                if (why != null) {
                    throw new UrlFetchException(Reason.REFUSED_ADDRESS, uri + ": host '" + bare + "' resolves to "
                            + a.getHostAddress() + ", " + why + " (refused; --allow-private-urls permits it)");
                }
            }
        }
        return all[0];
    }
}
