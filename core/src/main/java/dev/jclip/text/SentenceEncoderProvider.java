package dev.jclip.text;

import java.util.List;

/**
 * A source of pretrained sentence encoders, found with {@link java.util.ServiceLoader}. The core
 * only knows this interface, so the runtime that executes an encoder and its weights (ONNX
 * Runtime and the MiniLM files in {@code jclip-text-onnx}) stay out of the core's dependencies;
 * putting such a module on the class path makes its encoders usable as {@code --text-tower} and
 * in saved models that name them.
 */
public interface SentenceEncoderProvider {
    /** One encoder this provider can open. */
    record Info(String name, int dim, String description) {
    }

    /** The encoders this provider knows. */
    List<Info> encoders();

    /** Opens one of {@link #encoders()} by name, with at most {@code threads} threads. */
    SentenceEncoder open(String name, int threads);
}
