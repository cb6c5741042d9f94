package dev.jclip.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Cache keys tell different data apart however a folder is reached, linked or not. */
class FingerprintTest {
    private static Path folder(Path root, String name, String... files) throws IOException {
        Path d = Files.createDirectories(root.resolve(name).resolve("cat"));
        for (String f : files) {
            Files.writeString(d.resolve(f), f);
        }
        return d.getParent();
    }

    private static String key(Path p) {
        return new Fingerprint().add("model", "m").addFiles(p).hex();
    }

    @Test
    void linkedFoldersWithDifferentFilesGetDifferentKeys(@TempDir Path tmp) throws IOException {
        Path a = folder(tmp, "a", "1.jpg"), b = folder(tmp, "b", "1.jpg", "2.jpg");
        Path linkA = Files.createSymbolicLink(tmp.resolve("link-a"), a);
        Path linkB = Files.createSymbolicLink(tmp.resolve("link-b"), b);
        assertNotEquals(key(linkA), key(linkB), "two linked splits must not share cached features");
        assertEquals(key(a), key(linkA), "a link to a folder is the folder");
        // a split made of linked class folders, as the zero-shot transfer split (experiments module, SplitTrees) writes them
        Path split = Files.createDirectories(tmp.resolve("split"));
        Files.createSymbolicLink(split.resolve("cat"), b.resolve("cat"));
        assertEquals(key(b), key(split));
    }

    @Test
    void indexingFollowsLinkedFoldersAndSkipsLoops(@TempDir Path tmp) throws IOException {
        Path photos = folder(tmp, "photos", "1.jpg", "2.png", "notes.txt");
        Path lib = Files.createDirectories(tmp.resolve("library"));
        Files.createSymbolicLink(lib.resolve("holiday"), photos);
        Files.createSymbolicLink(lib.resolve("loop"), lib); // a link to its own ancestor
        Files.createSymbolicLink(lib.resolve("gone.jpg"), tmp.resolve("missing.jpg")); // dangling
        var files = dev.jclip.search.Indexer.imageFiles(java.util.List.of(Files.createSymbolicLink(tmp.resolve("l"), lib)));
        assertEquals(2, files.size(), "the two photos behind the links, once each: " + files);
    }

    @Test
    void linkedModelFoldersAreHashedByContent(@TempDir Path tmp) throws IOException {
        Path m1 = Files.createDirectories(tmp.resolve("m1")), m2 = Files.createDirectories(tmp.resolve("m2"));
        Files.writeString(m1.resolve("model.safetensors"), "one");
        Files.writeString(m2.resolve("model.safetensors"), "two");
        Path l1 = Files.createSymbolicLink(tmp.resolve("l1"), m1), l2 = Files.createSymbolicLink(tmp.resolve("l2"), m2);
        assertNotEquals(new Fingerprint().addModel(l1).hex(), new Fingerprint().addModel(l2).hex());
    }
}
