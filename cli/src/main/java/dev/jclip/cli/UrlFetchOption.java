package dev.jclip.cli;

import dev.jclip.search.fetch.FetchPolicy;
import picocli.CommandLine.Option;

/** Whether URL queries may reach non-public addresses (search and serve share it). */
final class UrlFetchOption {
    @Option(names = "--allow-private-urls", description = "Let URL queries (search terms, image_url, the page's URL box) "
            + "reach loopback, private, link-local and other non-public addresses (refused by default: a server would "
            + "otherwise fetch its own network for its clients).")
    boolean allowPrivate;

    /** The fetch limits with this choice. */
    FetchPolicy policy() {
        return FetchPolicy.defaults().withAllowPrivate(allowPrivate);
    }
}
