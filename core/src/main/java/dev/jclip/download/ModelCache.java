package dev.jclip.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Where released checkpoints live on disk, fetched on first use.
 *
 * <p>The default directory is {@code ~/.cache/jclip}; the system property {@code jclip.cache} or
 * else the environment variable {@code JCLIP_CACHE} overrides it. A model is stored under the last
 * segment of its URL (for example {@code ViT-B-32.pt}), with {@code .sha256} (verification memo)
 * and {@code .lock} files beside it.
 */
public final class ModelCache {
    /** System property naming the cache directory; wins over the environment variable. */
    public static final String PROPERTY = "jclip.cache";
    /** Environment variable naming the cache directory. */
    public static final String ENV = "JCLIP_CACHE";

    /** A file name that cannot climb out of the cache directory or hide as a dot file. */
    private static final Pattern SAFE_FILE_NAME = Pattern.compile("[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*");

    private final Path dir;
    private final Downloader downloader;
    private final ReleasedModels registry;

    /** A cache in {@code dir} that fetches with {@code downloader} the models of {@code registry}. */
    public ModelCache(Path dir, Downloader downloader, ReleasedModels registry) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        this.downloader = Objects.requireNonNull(downloader, "downloader");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The cache in {@link #defaultDir()}, for the bundled released models, showing progress. */
    public static ModelCache defaultCache() {
        return new ModelCache(defaultDir(), new Downloader(false), ReleasedModels.bundled());
    }

    /** The cache directory chosen by {@code -Djclip.cache}, else {@code $JCLIP_CACHE}, else {@code ~/.cache/jclip}. */
    public static Path defaultDir() {
        return defaultDir(System::getProperty, System::getenv, System.getProperty("user.home"));
    }

    static Path defaultDir(UnaryOperator<String> properties, UnaryOperator<String> env, String home) {
        String chosen = properties.apply(PROPERTY);
        if (chosen == null || chosen.isBlank()) {
            chosen = env.apply(ENV);
        }
        if (chosen != null && !chosen.isBlank()) {
            return Path.of(chosen.trim()).toAbsolutePath().normalize();
        }
        return Path.of(home, ".cache", "jclip");
    }

    /** The cache directory (absolute). */
    public Path dir() {
        return dir;
    }

    /** The registry whose names this cache resolves. */
    public ReleasedModels registry() {
        return registry;
    }

    /** Where {@code model} is (or will be) stored; says nothing about whether it is there yet. */
    public Path fileFor(ReleasedModel model) throws IOException {
        String name = model.fileName();
        if (!SAFE_FILE_NAME.matcher(name).matches()) {
            throw new IOException("model " + model.name() + ": URL " + model.url()
                    + " does not end in a usable file name");
        }
        return dir.resolve(name);
    }

    /**
     * Turns a model argument into a local path.
     *
     * <p>An existing file or directory is returned as given, so local checkpoints always win. Any
     * other argument must name a released model: its verified cached copy is returned, downloaded
     * first when missing or corrupt.
     *
     * @throws IllegalArgumentException when the argument is neither an existing path nor a known model
     *                                  (the message lists the known names)
     * @throws IOException              when the download or its verification fails
     */
    public Path resolve(String nameOrPath) throws IOException {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        Path local = asExistingPath(nameOrPath);
        if (local != null) {
            return local;
        }
        ReleasedModel model = registry.find(nameOrPath).orElseThrow(() -> new IllegalArgumentException(
                "'" + nameOrPath + "' is neither an existing file or directory nor a released model; known models: "
                        + String.join(", ", registry.names())));
        Path file = fileFor(model);
        downloader.download(model.url(), model.sha256(), file);
        return file;
    }

    private static Path asExistingPath(String s) {
        try {
            Path p = Path.of(s);
            return Files.exists(p) ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
