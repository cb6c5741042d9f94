package dev.jclip.zeroshot;

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
import java.util.Locale;

/**
 * A set of prompt templates such as {@code "a photo of a {}."}, where {@code {}} stands for the
 * class label. Bundled sets: {@code generic}, {@code digits}, {@code clothing}, {@code objects};
 * any published list loads from a text file with one template per line ('#' starts a comment).
 */
public record Templates(String name, List<String> templates) {
    public static final List<String> BUNDLED = List.of("generic", "digits", "clothing", "objects", "train-photo");

    public Templates {
        templates = List.copyOf(templates);
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("template set '" + name + "' is empty");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new IllegalArgumentException("template '" + t + "' of set '" + name + "' has no {} placeholder");
            }
        }
    }

    /** A single template. */
    public static Templates of(String... templates) {
        return new Templates("custom", List.of(templates));
    }

    /** A bundled set by name, or a file path. */
    public static Templates load(String nameOrFile) throws IOException {
        String key = nameOrFile.toLowerCase(Locale.ROOT);
        if (BUNDLED.contains(key)) {
            return bundled(key);
        }
        Path p = Path.of(nameOrFile);
        if (!Files.isRegularFile(p)) {
            throw new IOException("no template set '" + nameOrFile + "': neither a bundled set " + BUNDLED
                    + " nor a readable file");
        }
        try (InputStream in = Files.newInputStream(p)) {
            return new Templates(p.getFileName().toString(), parse(in));
        }
    }

    /** A bundled set: generic, digits, clothing or objects. */
    public static Templates bundled(String name) {
        String res = "templates/" + name + ".txt";
        try (InputStream in = Templates.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled template set '" + name + "'; bundled: " + BUNDLED);
            }
            return new Templates(name, parse(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> parse(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** The prompts for one label. */
    public List<String> apply(String label) {
        List<String> out = new ArrayList<>(templates.size());
        for (String t : templates) {
            out.add(t.replace("{}", label));
        }
        return out;
    }

    public int size() {
        return templates.size();
    }
}
