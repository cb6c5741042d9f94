package dev.jclip.experiments.zst;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The system tools the data steps call, as the Python steps did: {@code apt-get download} and
 * {@code dpkg-deb -x} to unpack a Debian package without installing it (Tux Paint stamps, WordNet),
 * and ImageMagick to flatten and scale images, so the images are the same pixels the published runs
 * trained on. Both need the machine's package mirror or an installed ImageMagick: they cannot run offline.
 */
final class Tools {
    private Tools() {
    }

    /** Unpacks Debian package {@code name} into folder {@code dest} (no install). */
    static void debianPackage(String name, Path dest) throws IOException {
        Path tmp = Files.createTempDirectory("zst-deb");
        try {
            run(tmp, "apt-get", "download", name);
            Path deb;
            try (Stream<Path> s = Files.list(tmp)) {
                deb = s.filter(p -> p.toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new IOException("apt-get download " + name + " left no .deb"));
            }
            // dpkg-deb makes only the last folder of dest (zst_common.py failed on a fresh OUT for that)
            Files.createDirectories(dest);
            run(null, "dpkg-deb", "-x", deb.toString(), dest.toString());
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Debian's ImageMagick 6 binary by its own name (a bare "convert" may be something else on PATH), or "magick". */
    static String convertTool() {
        for (String c : List.of("convert-im6.q16", "magick")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, c))) {
                    return c;
                }
            }
        }
        throw new IllegalStateException("ImageMagick is needed to flatten and scale the images: apt-get install imagemagick");
    }

    /** Shorter side 96 px like caltech101-96; transparent drawings flattened onto white. */
    static void scale(String tool, Path src, Path dst) throws IOException {
        run(null, tool, src.toString(), "-background", "white", "-alpha", "remove", "-alpha", "off",
                "-resize", "96x96^", "-quality", "92", dst.toString());
    }

    private static void run(Path dir, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).inheritIO();
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        try {
            int rc = pb.start().waitFor();
            if (rc != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + rc);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }
}
