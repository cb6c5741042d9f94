package dev.jclip.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded load test of a running {@code clip serve} over loopback: {@code clients} concurrent
 * clients alternate text searches ({@code /api/search}) and {@code /vectorize} calls until
 * {@code requests} are sent or {@code maxSeconds} pass, whichever is first. Reports requests/s,
 * latency percentiles, errors and, given the server's pid, its resident memory over the run.
 * Refuses any target that is not a loopback address.
 */
public final class LoadTest {
    public record Spec(URI base, int clients, int requests, double maxSeconds, String apiKey, long serverPid, boolean search) {
    }

    private LoadTest() {
    }

    public static Map<String, Object> run(Spec spec) throws Exception {
        InetAddress host = InetAddress.getByName(spec.base.getHost());
        if (!host.isLoopbackAddress()) {
            throw new IllegalArgumentException("load tests go to loopback only (127.0.0.1, ::1), not " + spec.base.getHost());
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger next = new AtomicInteger(), errors = new AtomicInteger();
        long[] latencies = new long[spec.requests];
        String[] errorSamples = new String[3];
        long deadline = System.nanoTime() + (long) (spec.maxSeconds * 1e9);
        List<Long> rss = new ArrayList<>();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long r = rssKb(spec.serverPid);
                if (r > 0) {
                    synchronized (rss) {
                        rss.add(r);
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        ExecutorService pool = Executors.newFixedThreadPool(spec.clients);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < spec.clients; c++) {
                fs.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < spec.requests && System.nanoTime() < deadline) {
                        boolean search = spec.search && i % 2 == 0;
                        String path = search ? "/api/search" : "/vectorize";
                        String body = search ? "{\"terms\":[{\"text\":\"a photo of thing number " + i + "\"}],\"n\":10}"
                                : "{\"texts\":[\"picture " + i + " of a small animal\"]}";
                        HttpRequest.Builder b = HttpRequest.newBuilder(spec.base.resolve(path)).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                        if (spec.apiKey != null) {
                            b.header("X-API-Key", spec.apiKey);
                        }
                        long s = System.nanoTime();
                        try {
                            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200) {
                                fail(errors, errorSamples, r.statusCode() + " " + r.body());
                            }
                        } catch (IOException e) {
                            fail(errors, errorSamples, e.toString());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        latencies[i] = System.nanoTime() - s;
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            sampler.interrupt();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int done = Math.min(next.get(), spec.requests);
        long[] lat = Arrays.stream(latencies, 0, done).filter(x -> x > 0).sorted().toArray();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clients", spec.clients);
        out.put("requests", lat.length);
        out.put("errors", errors.get());
        out.put("seconds", round(seconds));
        out.put("qps", round(lat.length / seconds));
        out.put("p50_ms", round(pct(lat, 0.50) / 1e6));
        out.put("p99_ms", round(pct(lat, 0.99) / 1e6));
        out.put("max_ms", round(lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6));
        synchronized (rss) {
            if (!rss.isEmpty()) {
                out.put("rss_mb_first", rss.get(0) / 1024);
                out.put("rss_mb_max", rss.stream().mapToLong(x -> x).max().orElse(0) / 1024);
                out.put("rss_mb_last", rss.get(rss.size() - 1) / 1024);
                out.put("rss_samples", rss.size());
            }
        }
        List<String> samples = new ArrayList<>();
        for (String s : errorSamples) {
            if (s != null) {
                samples.add(s);
            }
        }
        out.put("error_samples", samples);
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(spec.base.resolve("/api/stats")).timeout(Duration.ofSeconds(10)).GET();
            if (spec.apiKey != null) {
                b.header("X-API-Key", spec.apiKey);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                out.put("server_mean_encoder_batch", round(Json.MAPPER.readTree(r.body()).get("mean_encoder_batch").asDouble()));
            }
        } catch (IOException e) {
            // stats are a bonus
        }
        return out;
    }

    private static synchronized void fail(AtomicInteger errors, String[] samples, String what) {
        int n = errors.getAndIncrement();
        if (n < samples.length) {
            samples[n] = what.length() > 200 ? what.substring(0, 200) : what;
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }

    /** VmRSS of a process in kB (Linux), or -1. */
    static long rssKb(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static String format(Map<String, Object> r) {
        return String.format(Locale.ROOT, "%s requests, %s errors in %s s: %s req/s, p50 %s ms, p99 %s ms",
                r.get("requests"), r.get("errors"), r.get("seconds"), r.get("qps"), r.get("p50_ms"), r.get("p99_ms"));
    }
}
