package dev.jclip.runtime;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A batch cut into one part per compute thread, each part computed on its own worker thread with
 * a single intra-op thread. A forward pass on two intra-op threads waits at a barrier after every
 * operation and runs its small operations on one core; two independent halves do neither. Measured
 * on Zen 4 with 2 threads at batch 16, whole against split pair by pair ({@code
 * dev.jclip.experiments.profile.SplitBatch}): int8 ViT-B/32 1.20× faster split, fp32 RN50 1.12×,
 * fp32 ViT-B/32 1.07×, bf16 ViT-B/32 1.02×.
 *
 * <p>{@link #apply} serves inference (gradients off). Because the gain depends on the tower, the
 * precision, the batch and the CPU, {@code auto} (the default) measures: per tower, precision and
 * batch size, the first calls time both ways and later calls take the faster ({@link SplitChoice}:
 * from the ratios of consecutive calls that ran different ways, rechecked now and then), split
 * unless it takes more than {@value SplitChoice#MARGIN}× the whole batch's time. The margin leans
 * towards split because every case measured pair by pair gained from it, while single timings in
 * one process are noisier than the gains.
 * {@code -Djclip.batchSplit=on} or {@code off} fixes the choice.
 * Training runs its parts through {@link #onWorkers} by a fixed rule (see
 * {@code train.StepRunner#parts}). A thread that already computes on one intra-op thread (a Spark
 * task, a worker here) never splits. One instance per tower keeps its measurements.
 */
public final class BatchSplit {
    /** The fewest rows a part may have: below that the halves' fixed costs dominate. */
    static final long MIN_ROWS = 2;
    private static final Object POOL_LOCK = new Object();
    private static ExecutorService pool;
    private static int poolSize;

    private final Map<String, SplitChoice> choices = new ConcurrentHashMap<>();

    /**
     * Calls of one tower, precision and batch size before {@code auto} has chosen: two warm both
     * ways, then four alternate. A benchmark warms up at least this long, so that
     * its timings are of the choice and not of the alternation (0 unless the mode is auto).
     */
    public static int callsToChoose() {
        return mode().equals("auto") ? SplitChoice.FIRST + 1 : 0;
    }

    /** The setting: {@code auto} (measure), {@code on} or {@code off}. */
    public static String mode() {
        String m = System.getProperty("jclip.batchSplit", "auto").trim().toLowerCase(Locale.ROOT);
        return switch (m) {
            case "on", "off", "auto" -> m;
            default -> throw new IllegalArgumentException("jclip.batchSplit must be auto, on or off, not '" + m + "'");
        };
    }

    /** The setting in words for {@code threads} compute threads (clip doctor). */
    public static String describeMode(int threads) {
        if (threads < 2) {
            return "off with " + threads + " compute thread";
        }
        return switch (mode()) {
            case "on" -> "inference batches of " + 2 * MIN_ROWS + "+ rows always run in " + threads + " parts, one per thread";
            case "off" -> "inference batches always run whole on " + threads + " threads";
            default -> "per tower, precision and batch size, the first calls time the batch whole and in " + threads
                    + " parts (one per thread) and later calls take the faster; clip bench JSON's batch_split says what was kept";
        };
    }

    /**
     * How many parts a batch of {@code rows} would run in on this thread: its compute threads,
     * at most one per {@value #MIN_ROWS} rows; 1 when it must run whole (mode {@code off}, one
     * thread, too few rows).
     */
    public static int parts(long rows) {
        int threads = torch.get_num_threads();
        if (mode().equals("off") || threads < 2 || rows < 2 * MIN_ROWS) {
            return 1;
        }
        return (int) Math.min(threads, rows / MIN_ROWS);
    }

    /**
     * {@code f(input)}, computed whole or in parts along dimension 0 as decided above. Only with
     * gradients off: a forward pass with a graph always runs whole here.
     *
     * @param variant what else the choice depends on (the precision the tower runs), asked only
     *                when the choice is timed
     * @param f       a forward pass whose output row i depends only on input row i
     */
    public Tensor apply(Supplier<String> variant, Tensor input, UnaryOperator<Tensor> f) {
        int parts = parts(input.size(0));
        if (parts < 2 || GradMode.is_enabled()) {
            return f.apply(input);
        }
        boolean inference = InferenceMode.is_enabled();
        return choose(variant.get() + "/" + input.size(0), () -> f.apply(input), () -> {
            long rows = input.size(0);
            List<Tensor> outs = onWorkers(parts, i -> {
                long from = rows * i / parts, to = rows * (i + 1) / parts;
                // grad mode is per thread: the worker takes the caller's
                try (PointerScope s = new PointerScope(); AutoCloseable g = inference ? new InferenceMode() : new NoGradGuard()) {
                    Tensor y = f.apply(input.narrow(0, from, to - from));
                    y.retainReference(); // outlives the worker's scope; released below once concatenated
                    return y;
                }
            }, Tensor::releaseReference);
            try {
                return torch.cat(new TensorVector(outs.toArray(new Tensor[0])), 0);
            } finally {
                outs.forEach(Tensor::releaseReference);
            }
        });
    }

    /**
     * Runs {@code whole} or {@code split} as measured for {@code key} (see the class comment):
     * {@code on} and {@code off} fix the choice; the caller has checked that splitting applies.
     */
    public <T> T choose(String key, Supplier<T> whole, Supplier<T> split) {
        String mode = mode();
        if (!mode.equals("auto")) {
            return mode.equals("on") ? split.get() : whole.get();
        }
        SplitChoice c = choices.computeIfAbsent(key, k -> new SplitChoice());
        SplitChoice.Call call = c.next();
        long t0 = System.nanoTime();
        T out = call.split() ? split.get() : whole.get();
        c.record(call, System.nanoTime() - t0);
        return out;
    }

    /**
     * What was decided so far per key (variant and batch size), e.g. {@code int8/16: split
     * (split/whole 0.62, median of 3 paired calls; last split 150.2 ms, whole 241.0 ms)}, or
     * {@code measuring}.
     */
    public Map<String, String> decisions() {
        Map<String, String> out = new java.util.TreeMap<>();
        choices.forEach((k, c) -> out.put(k, c.describe()));
        return out;
    }

    /** A task for part {@code i} of a split batch. */
    @FunctionalInterface
    public interface PartTask<T> {
        T run(int i) throws Exception;
    }

    /**
     * Runs {@code task(0..parts-1)} at once on the workers, one intra-op thread each, and returns
     * the results in order. The tasks start in the workers' default grad mode (enabled) with no
     * autocast: each sets what it needs. If one fails, the others are waited for, their results
     * handed to {@code discard}, and the first failure is thrown.
     */
    public static <T> List<T> onWorkers(int parts, PartTask<T> task, java.util.function.Consumer<T> discard) {
        ExecutorService workers = workers(parts);
        List<Future<T>> futures = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            int j = i;
            futures.add(workers.submit(() -> task.run(j)));
        }
        List<T> outs = new ArrayList<>(parts);
        RuntimeException failure = null;
        for (Future<T> fu : futures) {
            try {
                outs.add(fu.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted while a split batch ran", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Error err) {
                    throw err;
                }
                failure = failure != null ? failure
                        : cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
            }
        }
        if (failure != null) {
            outs.forEach(discard);
            throw failure;
        }
        return outs;
    }

    /**
     * The shared workers, one intra-op thread each. libtorch sets thread counts per thread but
     * also keeps a process-wide value that new threads start from, so after the workers took one
     * thread each that value goes back to the caller's.
     */
    private static ExecutorService workers(int n) {
        synchronized (POOL_LOCK) {
            if (pool != null && poolSize >= n) {
                return pool;
            }
            if (pool != null) {
                pool.shutdown();
            }
            int restore = torch.get_num_threads();
            java.util.concurrent.atomic.AtomicInteger id = new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService p = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(() -> {
                    // libtorch sets a thread's count from the global value on the thread's first use; do
                    // that first (get_num_threads does, inside libtorch: the binding's lazy_init_num_threads
                    // is a header copy with its own flag), so it cannot undo the setting below
                    torch.get_num_threads();
                    torch.set_num_threads(1);
                    r.run();
                }, "jclip-split-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            List<Future<?>> started = new ArrayList<>();
            java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                started.add(p.submit(() -> {
                    all.countDown();
                    all.await(); // every worker is up, so each ran its set-up above
                    return null;
                }));
            }
            try {
                for (Future<?> f : started) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting split workers", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            torch.set_num_threads(restore);
            pool = p;
            poolSize = n;
            return p;
        }
    }
}
