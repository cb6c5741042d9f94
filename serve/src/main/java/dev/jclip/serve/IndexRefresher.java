package dev.jclip.serve;

import dev.jclip.search.ImageIndex;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code clip serve --watch}: reopens the index's reader on a timer, so what a concurrent
 * {@code clip index --watch} commits is searchable within one interval, with or without requests
 * coming in (the server's own refresh runs only on access and at most every 5 s). An unchanged
 * index costs one listing of the folder per tick ({@code DirectoryReader.openIfChanged}).
 */
public final class IndexRefresher implements AutoCloseable {
    private final ScheduledExecutorService timer;

    private IndexRefresher(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Refreshes {@code index} every {@code interval}; failures go to {@code onProblem} and the next tick retries. */
    public static IndexRefresher start(ImageIndex index, Duration interval, Consumer<String> onProblem) {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "index-refresh");
            th.setDaemon(true);
            return th;
        });
        t.scheduleWithFixedDelay(() -> {
            try {
                index.refresh();
            } catch (IOException | RuntimeException e) {
                onProblem.accept("index refresh failed (retrying): " + e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new IndexRefresher(t);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
