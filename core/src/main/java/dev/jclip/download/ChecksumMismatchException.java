package dev.jclip.download;

import java.net.URI;

/** The downloaded bytes do not have the expected SHA-256; they were discarded. */
public final class ChecksumMismatchException extends DownloadException {
    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String actual;

    ChecksumMismatchException(URI url, String expected, String actual, long bytes) {
        super("SHA-256 mismatch for " + url + ": expected " + expected + ", got " + actual + " (" + bytes
                + " bytes); the download was discarded");
        this.expected = expected;
        this.actual = actual;
    }

    /** The hash the file should have had. */
    public String expected() {
        return expected;
    }

    /** The hash of the bytes actually received. */
    public String actual() {
        return actual;
    }
}
