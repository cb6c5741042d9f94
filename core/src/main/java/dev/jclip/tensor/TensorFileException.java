package dev.jclip.tensor;

import java.io.IOException;

/** A tensor or checkpoint file that is malformed, truncated or refused. */
public class TensorFileException extends IOException {
    public TensorFileException(String message) {
        super(message);
    }

    public TensorFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
