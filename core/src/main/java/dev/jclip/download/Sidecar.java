package dev.jclip.download;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Memo of a successful verification, kept beside the file as {@code <file>.sha256}: the hash, size
 * and modification time the file had when it was hashed. Hashing a multi-gigabyte checkpoint on
 * every start would take seconds; a file whose size and mtime are unchanged is trusted instead.
 * A change that keeps both (in-place rewrite within one timestamp tick, or a restored mtime) is not
 * noticed; delete the memo to force a full check.
 */
final class Sidecar {
    private Sidecar() {
    }

    static Path of(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }

    /** True when the memo exists, is well formed and matches the file's hash, size and mtime now. */
    static boolean vouchesFor(Path file, String sha256) {
        try {
            Map<String, String> fields = new HashMap<>();
            for (String line : Files.readAllLines(of(file), StandardCharsets.UTF_8)) {
                String[] kv = line.trim().split("\\s+", 2);
                if (kv.length == 2) {
                    fields.put(kv[0], kv[1]);
                }
            }
            return sha256.equals(fields.get("sha256"))
                    && Long.toString(Files.size(file)).equals(fields.get("size"))
                    && Long.toString(mtime(file)).equals(fields.get("mtime"));
        } catch (IOException | RuntimeException e) {
            // A missing or unreadable memo only means the file gets hashed in full.
            return false;
        }
    }

    /** Records that {@code file} (as it is now) has hash {@code sha256}; failures are ignored. */
    static void record(Path file, String sha256) {
        Path memo = of(file);
        Path tmp = memo.resolveSibling(memo.getFileName() + ".tmp");
        try {
            String text = "sha256 " + sha256 + "\nsize " + Files.size(file) + "\nmtime " + mtime(file) + "\n";
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, memo, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // Without a memo the next use re-hashes the file: slower, never wrong.
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** Drops the memo before the file it describes is replaced. */
    static void delete(Path file) throws IOException {
        Files.deleteIfExists(of(file));
    }

    private static long mtime(Path file) throws IOException {
        return Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS);
    }
}
