package dev.jclip.experiments.zst;

import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Java split equals the one {@code scripts/zst-split.py} (CPython 3.11.7) made: the same
 * split.json bytes and the same links. A split's links are summarised by the SHA-256 of its sorted
 * lines "LINK TAB TARGET" (target relative to the data folder), as
 * {@code find . -type l -printf '%P\t%l\n' | sed "s|\t$DATA/|\t|" | LC_ALL=C sort | sha256sum} prints.
 */
class SplitTreesTest {
    /** A 46-class tree that any machine can build, with Caltech's look-alike groups and renames. */
    static final List<String> SYNTHETIC = List.of("ant", "bass", "cup", "dolphin", "ewer", "ferry", "gerenuk",
            "hawksbill", "ibis", "kangaroo", "lamp", "lobster", "mayfly", "nautilus", "okapi", "pagoda", "pizza", "rhino",
            "scorpion", "stapler", "tick", "umbrella", "wrench", "yin_yang", "anchor", "barrel", "brain", "camera", "cannon",
            "dragonfly", "emu", "flamingo", "garfield", "hedgehog", "ketch", "Faces", "Faces_easy", "cougar_face",
            "cougar_body", "crocodile", "crocodile_head", "flamingo_head", "chair", "windsor_chair", "water_lilly", "Motorbikes");

    @Test
    void syntheticSplitsMatchPython(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        for (int i = 0; i < SYNTHETIC.size(); i++) {
            Path d = Files.createDirectories(data.resolve(SYNTHETIC.get(i)));
            for (int j = 0; j < (i * 7) % 11 + 2; j++) {
                Files.createFile(d.resolve("image_%04d.jpg".formatted(j + 1)));
            }
        }
        String[] links = {"dff834a38a97a09ea9bb9b2d3bf658e1ba641c8ddca2912820e4f74909466442",
                "796adef6b53d159b7b913ef20e1de9ccb277b018d3f1bd0bc3fea76e21e9327e",
                "ea96d4bd6274c33cd671aaa39b86e585635ac380608e720dd9f5d02638b1aa46"};
        String[] json = {"1b9845888ddb6d80cda398dc5a77ca1fdcd83603a3215251f26468212f5355f3",
                "7b18972560092e1527396026919a10aea37b361089bc63e4339a9d284a6d8a13",
                "8a411eb9cf4689bfb898483ea765d17cee889ce7be1d95fbb72cd54e04edb4dc"};
        for (int seed = 0; seed < 3; seed++) {
            ClassSplit s = SplitTrees.write(data, tmp.resolve("out"), seed);
            Path dir = tmp.resolve("out/split-" + seed);
            assertEquals(json[seed], sha256(Files.readAllBytes(dir.resolve("split.json"))), "split.json of seed " + seed);
            assertEquals(links[seed], linkDigest(dir, data), "links of seed " + seed);
            assertEquals(16, s.seen().size());
        }
    }

    @Test
    void caltechSplitsMatchPython(@TempDir Path tmp) throws Exception {
        Path data = Shared.path("data/caltech101-96");
        String[] links = {"a87f4ddc0f294d2900c5f360044782f8a0019764ad701af286150184adcd05a3",
                "a3e2f7466fc8df4a5feed0778b3d8a33a3a95150eec54bb5c1521abb1e13c5f2",
                "5e4c82a9658809409e13cdd2f27dbba9ce6d2981fbbcb66a1cace25c931bee19"};
        for (int seed = 0; seed < 3; seed++) {
            SplitTrees.write(data, tmp, seed);
            Path dir = tmp.resolve("split-" + seed);
            try (InputStream expected = getClass().getResourceAsStream("caltech-split-" + seed + ".json")) {
                assertEquals(new String(expected.readAllBytes(), StandardCharsets.UTF_8),
                        Files.readString(dir.resolve("split.json")), "split.json of seed " + seed);
            }
            assertEquals(links[seed], linkDigest(dir, data), "links of seed " + seed);
        }
    }

    static String linkDigest(Path split, Path data) throws Exception {
        String prefix = data.toAbsolutePath().normalize() + "/";
        StringBuilder all = new StringBuilder();
        try (Stream<Path> s = Files.walk(split)) {
            for (String line : s.filter(Files::isSymbolicLink).map(p -> {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    return split.relativize(p) + "\t" + (target.startsWith(prefix) ? target.substring(prefix.length()) : target);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList()) {
                all.append(line).append('\n');
            }
        }
        return sha256(all.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
