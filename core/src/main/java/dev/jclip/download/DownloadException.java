package dev.jclip.download;

import java.io.IOException;

/** A download that failed or produced bytes that cannot be trusted; nothing was put in place. */
public class DownloadException extends IOException {
    private static final long serialVersionUID = 1L;

    public DownloadException(String message) {
        super(message);
    }

    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
