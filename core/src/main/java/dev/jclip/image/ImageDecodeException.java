package dev.jclip.image;

import java.io.IOException;

/** An image file that cannot be decoded; the message names the file and the reason. */
public final class ImageDecodeException extends IOException {
    private final String reason;

    public ImageDecodeException(String name, String reason) {
        super("cannot decode image " + name + ": " + reason);
        this.reason = reason;
    }

    public ImageDecodeException(String name, String reason, Throwable cause) {
        super("cannot decode image " + name + ": " + reason, cause);
        this.reason = reason;
    }

    /** Why, without the file name (for lists that name the file already). */
    public String reason() {
        return reason;
    }
}
