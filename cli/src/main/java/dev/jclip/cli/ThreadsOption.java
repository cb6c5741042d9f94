package dev.jclip.cli;

import dev.jclip.runtime.ComputeThreads;
import picocli.CommandLine.Option;

/** The shared {@code --threads} option: libtorch's threads in this process (part of {@link ModelOption}). */
final class ThreadsOption {
    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "libtorch threads (0, the default: one per physical core; embed-dataset: the cores divided among its "
                    + "pipelines, or spark.task.cpus per Spark task).")
    int threads;

    /** Sets libtorch's thread count: the one given, else one per physical core ({@link ComputeThreads#defaultCount()}). */
    void apply() {
        ComputeThreads.set(threads > 0 ? threads : ComputeThreads.defaultCount());
    }
}
