package dev.jclip.runtime;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whether one (tower, precision, batch size) runs its batches whole or split ({@link BatchSplit}),
 * decided from paired timings. A shared host slows calls down in phases that last several calls
 * (a bench-compare run read split 248.8 ms against whole 191.5 ms as the fastest of five of each,
 * while the run before it on identical kernels read 190.3 against 350.3): fastest timings taken at
 * different times follow those phases. Two calls next to each other mostly fall in the same phase,
 * so each pair of consecutive calls that ran different ways gives one ratio split/whole, and the
 * choice follows the median of the last {@value #KEEP} ratios: one pair straddling a phase change
 * moves it little.
 *
 * <p>Calls 0 and 1 warm both ways and are not timed, calls 2 to {@value #FIRST} alternate; then
 * the chosen way runs and, now and then, one call the other way (two pairs: with the calls before
 * and after it), first after {@value #RECHECK} calls. While the two ways are within {@value #CLOSE}×
 * of the margin, rechecks stay that frequent (a wrong choice is likely and a recheck is cheap);
 * a clear choice that a recheck confirms is rechecked half as often, up to every {@value #MAX_GAP}.
 * Thread-safe: concurrent callers share one instance.
 */
final class SplitChoice {
    /** Split is kept unless it takes more than this many times the whole batch's time. */
    static final double MARGIN = 1.10;
    /** Ratios kept: an odd count, so that the median is one of them. */
    static final int KEEP = 5;
    /** The last call of the first alternation: calls 2..5 give three pairs. */
    static final int FIRST = 5;
    static final int RECHECK = 8;
    static final int MAX_GAP = 1024;
    /** Ratios within this factor of {@link #MARGIN} either way count as close. */
    static final double CLOSE = 1.5;

    private int calls;
    private int recheckAt = RECHECK, gap = RECHECK;
    private final double[] ratios = new double[KEEP];
    private int pairs;
    /** The previous timed call: its way and time, -1 before the first. */
    private int lastWay = -1;
    private long lastNs;
    private final long[] lastOf = {0, 0}; // latest time of each way, for the message
    private Boolean split;

    /** A call to be run: its number and which way it runs. */
    record Call(int number, boolean split) {
    }

    /** The way the next call runs. */
    synchronized Call next() {
        int call = calls++;
        boolean way;
        if (split == null) {
            way = call % 2 == 1; // whole, split, whole, … until the first choice
        } else {
            way = call == recheckAt ? !split : split;
        }
        return new Call(call, way);
    }

    /** Records how long {@code call} took; calls 0 and 1 only warm. */
    synchronized void record(Call call, long ns) {
        if (call.number() < 2) {
            return;
        }
        int way = call.split() ? 1 : 0;
        if (lastWay >= 0 && lastWay != way) {
            long splitNs = way == 1 ? ns : lastNs, wholeNs = way == 1 ? lastNs : ns;
            ratios[pairs++ % KEEP] = (double) splitNs / Math.max(1, wholeNs);
        }
        lastWay = way;
        lastNs = ns;
        lastOf[way] = ns;
        if (split == null) {
            if (call.number() >= FIRST && pairs > 0) {
                split = median() <= MARGIN;
            }
            return;
        }
        if (call.number() == recheckAt) {
            return; // decided once the call after the recheck closes its second pair
        }
        if (call.number() == recheckAt + 1) {
            boolean before = split;
            double r = median();
            split = r <= MARGIN;
            boolean close = r > MARGIN / CLOSE && r < MARGIN * CLOSE;
            gap = before == split && !close ? Math.min(2 * gap, MAX_GAP) : RECHECK;
            recheckAt = call.number() + gap;
        }
    }

    /** The median of the kept ratios split/whole. */
    synchronized double median() {
        int n = Math.min(pairs, KEEP);
        double[] r = Arrays.copyOf(ratios, n);
        Arrays.sort(r);
        return n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
    }

    /** The current choice; null while the first calls measure. */
    synchronized Boolean split() {
        return split;
    }

    /** The choice in words, e.g. {@code split (split/whole 0.62, median of 3 paired calls; last split 150.2 ms, whole 241.0 ms)}. */
    synchronized String describe() {
        if (split == null) {
            return "measuring";
        }
        return String.format(Locale.ROOT, "%s (split/whole %.2f, median of %d paired calls; last split %.1f ms, whole %.1f ms)",
                split ? "split" : "whole", median(), Math.min(pairs, KEEP), lastOf[1] / 1e6, lastOf[0] / 1e6);
    }
}
