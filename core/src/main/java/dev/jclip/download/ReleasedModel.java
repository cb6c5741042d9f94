package dev.jclip.download;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One downloadable checkpoint: its canonical name (for example {@code ViT-B/32}), where to get it,
 * and the SHA-256 its bytes must have.
 *
 * @param name   canonical model name, as the reference implementation spells it
 * @param url    absolute http or https URL of the checkpoint file
 * @param sha256 expected SHA-256 of the file, 64 hex digits (stored lower-case)
 */
public record ReleasedModel(String name, URI url, String sha256) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** Validates the entry so that a bad registry fails when loaded, not halfway through a download. */
    public ReleasedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(sha256, "sha256");
        if (name.isBlank()) {
            throw new IllegalArgumentException("model name is blank");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException(name + ": url must be an absolute http(s) URL, got " + url);
        }
        sha256 = sha256.trim().toLowerCase(Locale.ROOT);
        if (!HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException(name + ": sha256 must be 64 hex digits, got '" + sha256 + "'");
        }
    }

    /** The last segment of the URL's path, which is what the file is called once cached. */
    public String fileName() {
        String path = url.getPath() == null ? "" : url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
