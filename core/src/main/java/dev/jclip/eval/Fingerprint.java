package dev.jclip.eval;

import dev.jclip.util.FileTrees;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds SHA-256 keys for the feature cache from named values and file metadata. Files are
 * identified by name, size and modification time rather than content: hashing a whole dataset or
 * a gigabyte checkpoint on every run would cost more than the cache saves. Model files also
 * contribute their first and last mebibyte, so a checkpoint rewritten within the same second
 * with the same size still changes the key.
 */
public final class Fingerprint {
    private static final int EDGE = 1 << 20;
    private final MessageDigest sha;

    public Fingerprint() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds a named value (null allowed). */
    public Fingerprint add(String name, Object value) {
        text(name);
        text(String.valueOf(value));
        return this;
    }

    /** Adds each string of a list, in order. */
    public Fingerprint addAll(String name, List<String> values) {
        add(name, values.size());
        values.forEach(this::text);
        return this;
    }

    /**
     * Adds the name (relative to {@code path}), size and modification time of {@code path}, or of
     * every regular file under it in name order.
     */
    public Fingerprint addFiles(Path path) {
        try {
            if (Files.isDirectory(path)) {
                // following links, as the data readers do: unfollowed, a linked folder had no files,
                // so two linked splits shared one key and one's cached features served the other
                List<Path> files = FileTrees.regularFiles(path);
                add("files", files.size());
                for (Path f : files) {
                    stat(path.relativize(f).toString(), f);
                }
            } else {
                stat(path.getFileName().toString(), path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Adds a model checkpoint (file or folder): metadata plus its first and last mebibyte. */
    public Fingerprint addModel(Path path) {
        addFiles(path);
        try {
            List<Path> files;
            if (Files.isDirectory(path)) {
                files = FileTrees.regularFiles(path);
            } else {
                files = List.of(path);
            }
            for (Path f : files) {
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                    long size = ch.size();
                    edge(ch, 0, size);
                    edge(ch, Math.max(0, size - EDGE), size);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The key: 64 hex digits. */
    public String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The SHA-256 of a string (hex). */
    public static String of(String s) {
        return new Fingerprint().add("s", s).hex();
    }

    /** Hashes a stream whole (small files such as class-name lists). */
    public static String ofStream(InputStream in) throws IOException {
        Fingerprint f = new Fingerprint();
        f.sha.update(in.readAllBytes());
        return f.hex();
    }

    private void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
        sha.update(b);
    }

    private void stat(String name, Path f) throws IOException {
        add("file", name);
        add("size", Files.size(f));
        add("mtime", Files.getLastModifiedTime(f).toMillis());
    }

    private void edge(FileChannel ch, long from, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(EDGE, size - from));
        while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
            // keep reading until the window is full
        }
        b.flip();
        sha.update(b);
    }
}
