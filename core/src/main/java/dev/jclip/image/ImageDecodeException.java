package dev.jclip.image;

import java.io.IOException;

/** An image file that cannot be decoded; the message names the file and the reason. */
public final class ImageDecodeException extends IOException {
    public ImageDecodeException(String name, String reason) {
        super("cannot decode image " + name + ": " + reason);
    }

    public ImageDecodeException(String name, String reason, Throwable cause) {
        super("cannot decode image " + name + ": " + reason, cause);
    }
}
