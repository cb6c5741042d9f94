package dev.jclip.distributed;

import java.time.Duration;

/** A collective operation that did not complete: a peer died, hung or is unreachable. */
public final class CollectiveTimeoutException extends RuntimeException {
    public CollectiveTimeoutException(String op, int rank, Duration timeout) {
        super(op + " on rank " + rank + " did not complete within " + timeout.toSeconds()
                + " s: another rank has died or hangs; stopping (checkpoints written so far are intact)");
    }

    public CollectiveTimeoutException(String op, int rank, Duration timeout, String cause) {
        super(op + " on rank " + rank + " failed (timeout " + timeout.toSeconds() + " s): " + cause
                + " — another rank has died or hangs; stopping (checkpoints written so far are intact)");
    }
}
