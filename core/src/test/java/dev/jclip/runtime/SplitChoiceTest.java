package dev.jclip.runtime;

import org.junit.jupiter.api.Test;

import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SplitChoice} on simulated hosts: a call's time is its way's cost times the host's
 * slowdown at that call, so the right choice is known.
 */
class SplitChoiceTest {
    /** Runs {@code n} calls; returns how many ran split after the first choice. */
    private static int run(SplitChoice c, int n, double wholeMs, double splitMs, IntToDoubleFunction slowdown) {
        int splitAfter = 0;
        for (int i = 0; i < n; i++) {
            SplitChoice.Call call = c.next();
            double ms = (call.split() ? splitMs : wholeMs) * slowdown.applyAsDouble(call.number());
            if (call.number() > SplitChoice.FIRST && call.split()) {
                splitAfter++;
            }
            c.record(call, (long) (ms * 1e6));
        }
        return splitAfter;
    }

    @Test
    void aSlowPhaseThatStartsBetweenTheTimedCallsDoesNotDecide() {
        // split truly 0.8× whole; the host slows down 1.8× from call 3 to call 20. The fastest
        // split (144 ms) then reads above 1.1× the fastest whole (call 2, 100 ms), so choosing
        // from minimums would keep the batch whole; the pairs read 0.8 but for one straddling pair
        SplitChoice c = new SplitChoice();
        run(c, SplitChoice.FIRST + 1, 100, 80, call -> call >= 3 && call <= 20 ? 1.8 : 1.0);
        assertEquals(Boolean.TRUE, c.split(), c.describe());
        assertEquals(0.8, c.median(), 1e-6);
        assertTrue(c.describe().startsWith("split (split/whole 0.80, median of 3 paired calls"), c.describe());
    }

    @Test
    void measuresFirstThenKeepsTheFasterAndRechecksIt() {
        SplitChoice c = new SplitChoice();
        for (int i = 0; i < SplitChoice.FIRST; i++) {
            c.record(c.next(), 1_000_000);
            assertNull(c.split(), "still measuring after call " + i);
        }
        assertEquals("measuring", c.describe());
        SplitChoice w = new SplitChoice();
        int splitRuns = run(w, 200, 100, 200, call -> 1.0);
        assertEquals(Boolean.FALSE, w.split(), w.describe());
        // a clear choice: rechecks at 8, then gaps 16, 32, 64, 128 → 8, 25, 58, 123 (below 200)
        assertEquals(4, splitRuns, "rechecks only");
    }

    @Test
    void aCloseChoiceIsRecheckedOftenAndACaseThatTurnsIsFollowed() {
        SplitChoice c = new SplitChoice();
        int splitRuns = run(c, 100, 100, 125, call -> 1.0); // ratio 1.25: close to the margin
        assertFalse(c.split());
        assertTrue(splitRuns >= 10, "close: a recheck every " + SplitChoice.RECHECK + " calls, ran split " + splitRuns);
        // the machine changes (another tenant leaves): split now 0.7× whole for every later call
        SplitChoice t = new SplitChoice();
        int[] later = new int[1];
        for (int i = 0; i < 120; i++) {
            SplitChoice.Call call = t.next();
            double ms = call.split() ? (call.number() < 40 ? 150 : 70) : 100;
            if (call.number() >= 100 && call.split()) {
                later[0]++;
            }
            t.record(call, (long) (ms * 1e6));
        }
        assertEquals(Boolean.TRUE, t.split(), t.describe());
        assertTrue(later[0] >= 18, "after the change the batch runs split: " + later[0] + " of the last 20");
    }

    @Test
    void noisyPairsStillFindAClearWinner() {
        // split 0.6× whole, under a host whose slowdown jumps between 1 and 2.2 every three calls
        SplitChoice c = new SplitChoice();
        int splitRuns = run(c, 64, 100, 60, call -> (call / 3) % 2 == 0 ? 1.0 : 2.2);
        assertEquals(Boolean.TRUE, c.split(), c.describe());
        assertTrue(splitRuns >= 55, "ran split " + splitRuns + " of 58");
    }
}
