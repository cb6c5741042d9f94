package dev.jclip.cli;

import dev.jclip.Clip;
import dev.jclip.runtime.Precision;
import dev.jclip.search.ImageIndex;
import dev.jclip.search.IndexSettings;
import dev.jclip.serve.IndexRefresher;
import dev.jclip.serve.SearchServer;
import dev.jclip.serve.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code clip serve}: the search page and the Weaviate / clip-retrieval endpoints over one warm model. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve an index over HTTP: a search page at /, the Weaviate multi2vec-clip inference contract "
                + "(/vectorize, /meta, /.well-known/live|ready), clip-retrieval's back end (/knn-service, /indices-list, "
                + "/metadata) and /api/search + /api/thumb/{id}. Binds to 127.0.0.1 unless --host says otherwise.",
                "Without an index (--no-index) only the embedding endpoints work; --model is then required."})
final class ServeCommand implements Callable<Integer> {
    static final String KEY_ENV = "JCLIP_API_KEY";

    @Mixin
    IndexOptions indexOptions;

    @Option(names = "--no-index", description = "Serve embeddings only (no search).")
    boolean noIndex;

    @Mixin
    IndexModelOptions modelOptions;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}, loopback only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--api-key", description = "Require this key on every request (default: $" + KEY_ENV + ", else none).")
    String apiKey;

    @Option(names = "--max-batch", defaultValue = "32", description = "Most texts/images per encoder call; 1 disables batching (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--batch-wait-ms", defaultValue = "0", description = "How long the encoder waits for more requests (default: ${DEFAULT-VALUE}).")
    int batchWaitMs;

    @Option(names = "--threads", description = "libtorch intra-op threads for the encoder (default: one per physical core).")
    Integer threads;

    @Option(names = "--index-name", defaultValue = "jclip", description = "Index name for clip-retrieval's /indices-list (default: ${DEFAULT-VALUE}).")
    String indexName;

    // query by URL (issue 24, item 3)
    @Mixin
    UrlFetchOption urlFetch;

    // watch mode (issue 24, item 5)
    @Option(names = "--watch", description = "Serve what a concurrent 'clip index --watch' commits without a restart: "
            + "the index is reopened every --watch-ms.")
    boolean watch;

    @Option(names = "--watch-ms", defaultValue = "250", description = "With --watch: how often the index is reopened "
            + "(default: ${DEFAULT-VALUE}).")
    long watchMs;

    @Override
    public Integer call() throws Exception {
        Path dir = indexOptions.dir();
        IndexSettings s = noIndex ? null : ImageIndex.readSettings(requireIndex(dir));
        String m = modelOptions.resolve(s, dir);
        if (m == null) {
            throw new IllegalArgumentException("--no-index needs --model");
        }
        Precision p = modelOptions.precision(s);
        String key = apiKey != null ? apiKey : System.getenv(KEY_ENV);
        if (key != null && key.isBlank()) {
            key = null;
        }
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
            System.err.println("warning: listening on " + host + ", reachable from other machines"
                    + (key == null ? " WITHOUT an API key (--api-key or $" + KEY_ENV + ")" : ""));
        }
        dev.jclip.runtime.ComputeThreads.set(threads != null ? threads : dev.jclip.runtime.ComputeThreads.defaultCount());
        long t0 = System.nanoTime();
        Clip clip = Clip.load(m, p);
        ImageIndex index = s != null ? ImageIndex.openReadOnly(dir) : null;
        ServerConfig cfg = ServerConfig.defaults().withHostPort(host, port).withApiKey(key)
                .withBatching(maxBatch, batchWaitMs).withIndexName(indexName)
                .withFetch(urlFetch.policy());
        SearchServer server = SearchServer.start(clip, index, m, cfg);
        IndexRefresher refresher = watch && index != null
                ? IndexRefresher.start(index, java.time.Duration.ofMillis(watchMs), System.err::println) : null;
        System.out.printf("serving %s on http://%s:%d/ (model %s, %s, loaded in %.1f s)%s%n",
                index != null ? index.size() + " images from " + dir : "embeddings only", host, server.port(), m,
                clip.precision().name().toLowerCase(), (System.nanoTime() - t0) / 1e9, key != null ? "; API key required" : "");
        System.out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (refresher != null) {
                    refresher.close();
                }
                server.close();
                if (index != null) {
                    index.close();
                }
            } catch (Exception ignored) {
                // shutting down anyway
            }
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    private static Path requireIndex(Path dir) throws Exception {
        if (!ImageIndex.exists(dir)) {
            throw new IllegalArgumentException("no index at " + dir + " (build one with 'clip index', or use --no-index --model M)");
        }
        return dir;
    }
}
