package dev.jclip.search;

import java.io.IOException;

/** Raised when an index would be written or queried with another model, precision or layout. */
public final class IndexMismatchException extends IOException {
    public IndexMismatchException(String message) {
        super(message);
    }
}
