package dev.jclip.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A registry of downloadable models, looked up by name.
 *
 * <p>Lookup is tolerant of the ways people spell the names: case, and separators such as
 * {@code /}, {@code -}, {@code _}, {@code @} and spaces are ignored, so {@code ViT-B/32},
 * {@code ViT-B-32} (the file name) and {@code vit-b-32} are the same model.
 */
public final class ReleasedModels {
    private static final String RESOURCE = "released-models.json";

    private final List<ReleasedModel> models;
    private final Map<String, ReleasedModel> byKey;

    /**
     * A registry of the given models, in the given order.
     *
     * @throws IllegalArgumentException when two names would be indistinguishable to the tolerant lookup
     */
    public ReleasedModels(Collection<ReleasedModel> models) {
        this.models = List.copyOf(models);
        Map<String, ReleasedModel> map = new LinkedHashMap<>();
        for (ReleasedModel m : this.models) {
            ReleasedModel clash = map.putIfAbsent(key(m.name()), m);
            if (clash != null) {
                throw new IllegalArgumentException("model names '" + clash.name() + "' and '" + m.name()
                        + "' cannot be told apart by name lookup");
            }
        }
        this.byKey = map;
    }

    /** The nine models OpenAI released, read from the resource bundled with this library. */
    public static ReleasedModels bundled() {
        return Holder.BUNDLED;
    }

    /** Looks a model up by (tolerantly spelled) name. */
    public Optional<ReleasedModel> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byKey.get(key(name)));
    }

    /**
     * Looks a model up by (tolerantly spelled) name.
     *
     * @throws IllegalArgumentException for an unknown name; the message lists the known ones
     */
    public ReleasedModel get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown model '" + name + "'; known models: " + String.join(", ", names())));
    }

    /** Every model, in registry order. */
    public List<ReleasedModel> all() {
        return models;
    }

    /** The canonical names, in registry order. */
    public List<String> names() {
        List<String> names = new ArrayList<>(models.size());
        for (ReleasedModel m : models) {
            names.add(m.name());
        }
        return names;
    }

    /** Only letters and digits count, so any punctuation or case variant finds the same entry. */
    static String key(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        name.toLowerCase(Locale.ROOT).codePoints()
                .filter(Character::isLetterOrDigit)
                .forEach(sb::appendCodePoint);
        return sb.toString();
    }

    /** Parses a registry in the bundled resource's format: {@code {"models": [{name, url, sha256}]}}. */
    static ReleasedModels parse(InputStream json, String source) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode list = root == null ? null : root.get("models");
        if (list == null || !list.isArray()) {
            throw new IOException(source + ": expected an object with a \"models\" array");
        }
        List<ReleasedModel> models = new ArrayList<>();
        for (JsonNode entry : list) {
            try {
                models.add(new ReleasedModel(text(entry, "name"), URI.create(text(entry, "url")),
                        text(entry, "sha256")));
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": bad entry " + entry + ": " + e.getMessage(), e);
            }
        }
        return new ReleasedModels(models);
    }

    private static String text(JsonNode entry, String field) {
        JsonNode v = entry.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing text field '" + field + "'");
        }
        return v.asText();
    }

    /** Loaded on first use; a broken bundled resource is a packaging bug, hence unchecked. */
    private static final class Holder {
        static final ReleasedModels BUNDLED = load();

        private static ReleasedModels load() {
            try (InputStream in = ReleasedModels.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from the jclip jar");
                }
                return parse(in, RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
