package dev.jclip.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Class-name lists: one name per line ('#' comments and blank lines ignored). Bundled lists
 * (the project's own caption-friendly wording): {@code fashion-mnist}, {@code mnist}, {@code cifar10}.
 */
public final class ClassNames {
    public static final List<String> BUNDLED = List.of("fashion-mnist", "mnist", "cifar10");

    private ClassNames() {
    }

    /** A bundled list by name, or a file. */
    public static List<String> load(String nameOrFile) throws IOException {
        if (BUNDLED.contains(nameOrFile)) {
            return bundled(nameOrFile);
        }
        Path p = Path.of(nameOrFile);
        if (!Files.isRegularFile(p)) {
            throw new IOException("no class names '" + nameOrFile + "': neither a bundled list " + BUNDLED + " nor a file");
        }
        try (InputStream in = Files.newInputStream(p)) {
            return parse(in);
        }
    }

    public static List<String> bundled(String name) {
        try (InputStream in = ClassNames.class.getResourceAsStream("classes/" + name + ".txt")) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled class names '" + name + "'; bundled: " + BUNDLED);
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> parse(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                String t = l.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
        }
        return List.copyOf(out);
    }
}
