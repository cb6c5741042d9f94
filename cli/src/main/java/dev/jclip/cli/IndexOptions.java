package dev.jclip.cli;

import dev.jclip.download.ModelCache;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The shared {@code --index} option of index, search and serve. */
final class IndexOptions {
    static final String ENV = "JCLIP_INDEX";

    @Option(names = "--index", description = "Index folder (default: $JCLIP_INDEX, else <cache>/index, i.e. ~/.cache/jclip/index).")
    Path index;

    Path dir() {
        if (index != null) {
            return index;
        }
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? Path.of(env) : ModelCache.defaultDir().resolve("index");
    }
}
