package dev.jclip.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces files whole, so a reader (a browser refreshing a report, a second process) never sees
 * a half-written PNG or HTML file, and a crash leaves either the old or the new version.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code bytes} to a sibling temporary file, forces it to disk and renames it over {@code target}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = temporarySibling(abs);
        try {
            // CREATE_NEW rather than Files.createTempFile: the latter makes owner-only files, and a
            // report is usually meant to be readable by whoever can read the folder.
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                out.write(bytes);
                out.flush();
                ch.force(true);
            }
            replace(tmp, abs);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** A not-yet-existing hidden file beside {@code target}; its parent folder is created. */
    static Path temporarySibling(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        long r = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        return dir.resolve("." + abs.getFileName() + "." + Long.toString(r, 36) + ".tmp");
    }

    /** Renames {@code source} over {@code target}, atomically where the file system can. */
    static void replace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
