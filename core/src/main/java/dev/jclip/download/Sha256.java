package dev.jclip.download;

import dev.jclip.util.ProgressBar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers. */
final class Sha256 {
    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException(e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Hashes a file, reporting bytes read to {@code progress}. */
    static String of(Path file, ProgressBar progress) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[1 << 16];
        long done = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) != -1) {
                md.update(buf, 0, n);
                done += n;
                progress.update(done);
            }
        } finally {
            progress.finish();
        }
        return hex(md);
    }
}
