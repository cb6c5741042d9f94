package dev.jclip.cli;

import java.nio.file.Path;

/** Placeholder until image preprocessing lands. */
final class PreprocessBench {
    private PreprocessBench() {
    }

    static String run(Path images, int size, int threads, int iters) {
        throw new UnsupportedOperationException("preprocess benchmark not available yet");
    }
}
