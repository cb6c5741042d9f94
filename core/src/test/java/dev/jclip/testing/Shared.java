package dev.jclip.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only {@code ../shared} folder (fixtures and data) beside the project root.
 * Missing it is a failure in CI ({@code CI=true}) and a skip with a message elsewhere.
 */
public final class Shared {
    private Shared() {
    }

    /** The shared folder, or skip/fail when it is absent. Override with -Djclip.shared=DIR. */
    public static Path root() {
        String prop = System.getProperty("jclip.shared");
        Path p = prop != null ? Path.of(prop) : findUp();
        if (p == null || !Files.isDirectory(p)) {
            String msg = "../shared (golden fixtures and data) is missing beside the project root; "
                    + "set -Djclip.shared=DIR to point at it";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(msg);
            }
            Assumptions.abort(msg);
        }
        return p;
    }

    /** A path under the shared folder that must exist (skip/fail as {@link #root()}). */
    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            String msg = "shared file missing: " + p;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(msg);
            }
            Assumptions.abort(msg);
        }
        return p;
    }

    public static Path fixtures(String relative) {
        return path("fixtures/" + relative);
    }

    private static Path findUp() {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("fixtures"))) {
                return candidate;
            }
            dir = dir.getParent();
        }
        return null;
    }
}
