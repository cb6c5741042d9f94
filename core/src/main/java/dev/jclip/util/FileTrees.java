package dev.jclip.util;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * The regular files under a folder, following symbolic links as the data readers do: a dataset
 * split made of linked folders, or a linked photo library, holds the files its links point to.
 * A link back to one of its own ancestors is skipped rather than walked forever or made fatal.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /** Every regular file under {@code dir} (or {@code dir} itself if it is one) that {@code keep} accepts, sorted. */
    public static List<Path> regularFiles(Path dir, Predicate<Path> keep) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && keep.test(file)) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof FileSystemLoopException || Files.isSymbolicLink(file)) {
                    return FileVisitResult.CONTINUE; // a cycle, or a dangling link: not a file to read
                }
                throw e;
            }
        });
        out.sort(null);
        return out;
    }

    /** Every regular file under {@code dir}, sorted. */
    public static List<Path> regularFiles(Path dir) throws IOException {
        return regularFiles(dir, p -> true);
    }
}
