package dev.jclip.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs items on a fixed number of threads, each with a worker of its own that takes the next
 * item as soon as it is free. The first failure stops every thread from taking new items; the
 * items in flight finish (for partitions: commit), so a rerun redoes as little as possible. The
 * failure is then rethrown, with any later ones suppressed in it.
 */
final class Pipelines {
    private Pipelines() {
    }

    /** One thread's state (its decode pool, its libtorch thread count), made and closed on that thread. */
    interface Worker<T, R> extends AutoCloseable {
        R run(T item) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** The results of all items, in the order of {@code items}. */
    static <T, R> List<R> run(int threads, List<T> items, Callable<Worker<T, R>> newWorker, String name)
            throws Exception {
        int n = Math.max(1, Math.min(threads, items.size()));
        List<R> results = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            results.add(null);
        }
        AtomicInteger next = new AtomicInteger();
        Failure failure = new Failure();
        Runnable loop = () -> {
            try (Worker<T, R> w = newWorker.call()) {
                for (int i = next.getAndIncrement(); i < items.size() && !failure.happened(); i = next.getAndIncrement()) {
                    R r = w.run(items.get(i));
                    synchronized (results) {
                        results.set(i, r);
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        };
        if (n == 1) {
            loop.run(); // on the caller's thread, as the single-pipeline engine always ran
        } else {
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(loop, name + "-" + i);
                ts.add(t);
                t.start();
            }
            try {
                for (Thread t : ts) {
                    t.join();
                }
            } catch (InterruptedException e) {
                failure.set(e);
                ts.forEach(Thread::interrupt);
                Thread.currentThread().interrupt();
            }
        }
        failure.rethrow();
        synchronized (results) {
            return results;
        }
    }

    private static final class Failure {
        private Throwable first;

        synchronized void set(Throwable t) {
            if (first == null) {
                first = t;
            } else if (first != t) {
                first.addSuppressed(t);
            }
        }

        synchronized boolean happened() {
            return first != null;
        }

        synchronized void rethrow() throws Exception {
            if (first instanceof Exception e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
            if (first != null) {
                throw new IllegalStateException(first);
            }
        }
    }
}
