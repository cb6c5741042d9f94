package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.serve.LoadTest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip loadtest}: bounded loopback load against a running {@code clip serve}. */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Send a bounded load (count and time) of text searches and /vectorize calls to a clip serve on "
                + "loopback; print requests/s, p50/p99 latency, errors and the server's RSS (with --pid) as JSON.")
final class LoadTestCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/", description = "Server (loopback only; default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--requests", defaultValue = "400", description = "Total requests, at most (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--max-seconds", defaultValue = "120", description = "Stop after this long (default: ${DEFAULT-VALUE}).")
    double maxSeconds;

    @Option(names = "--pid", defaultValue = "0", description = "Server process id, to sample its resident memory.")
    long pid;

    @Option(names = "--vectorize-only", description = "Only /vectorize calls (a server without an index).")
    boolean vectorizeOnly;

    @Option(names = "--api-key", description = "API key to send (default: $" + ServeCommand.KEY_ENV + ").")
    String apiKey;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 256 || requests < 1 || requests > 1_000_000) {
            throw new IllegalArgumentException("--clients 1..256 and --requests 1..1000000");
        }
        String key = apiKey != null ? apiKey : System.getenv(ServeCommand.KEY_ENV);
        Map<String, Object> r = LoadTest.run(new LoadTest.Spec(url, clients, requests, maxSeconds, key, pid, !vectorizeOnly));
        System.out.println(new ObjectMapper().writeValueAsString(r));
        return ((Number) r.get("errors")).intValue() == 0 ? 0 : 1;
    }
}
