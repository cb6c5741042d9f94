package dev.jclip.cli;

import dev.jclip.runtime.ComputeThreads;
import picocli.CommandLine.Option;

/** The shared {@code --threads} option of commands that run a model in this process. */
final class ThreadsOption {
    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "libtorch threads (0: all cores; default: ${DEFAULT-VALUE}).")
    int threads;

    /** Sets libtorch's thread count when one was given. */
    void apply() {
        if (threads > 0) {
            ComputeThreads.set(threads);
        }
    }
}
