package dev.jclip.experiments.zst;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The mixed-caption and WordNet steps equal scripts/zst-extra.py and scripts/zst-gloss.py (CPython
 * 3.11.7) on the synthetic split tree of {@link SplitTreesTest}, with a committed extra.tsv (captions
 * that name held-out classes, plurals, upper case, quotes and a tab) and a synthetic excerpt in
 * WordNet's file format (a non-physical first sense, a plural-only entry, glosses with ';' and '/',
 * seen glosses naming held-out classes). Image building and the Debian downloads are not exercised:
 * they need the package mirror and ImageMagick.
 */
class MixedAndGlossTest {
    private static final String[][] DIGESTS = {
            {"1a70fe7ca017dde13f4938a0ec99e715f42a40327b2903a001072a0178da8315", "7b7ffcb1b14fa92d32b5207628e5a1186f9229362576e54bd3eb777f8512ea5c",
                    "25a96772ab38d41931e9c77c9e136bdd43028dfbd05479e91977e269845a8302", "9afa1cbe12c89b0a637b33c9c9610219f5fbb5994b3dde1c77e259ed60ec7ade",
                    "00b4771393bb7f766e90cf071b15d06350b7a1c82163cfb93da896c6a9c5032e"},
            {"74b271cf23c48e1978221d43317bcc0d764973a32824ab32f901d41afae59b39", "78abdee114afe97ea8f226dc75d93b097b89b6f55cc35cfeb6f62ca88dcdebd8",
                    "bb3f91a508e6ccbd89849321bb1da55242d575946cd4b2be6de37331f9fdd69d", "294e18572a6ced16cc70b2b0d248336b51f1400d29e382836b195c24815e4fc2",
                    "beab7808180f387f3cad4a3aaf094b6ff2aa7f70d7f0c6101283e323d4050fc5"},
            {"2c3034ccdb7530893a0a91abcc26109139af2ca18549b53ee5b6f66ced043d74", "84f6a587020ed957d5160c8bae3006a8e264f816be51e6196bbd4f91f2c1f7c1",
                    "5c83293223199af966db51403edb92a55ba57c5d482b276610bfd1a57fc5291f", "71af846b7ebb0721343d52a43cbeb52377fff2144fa13487cc1a3473a57e337f",
                    "cc4988f7ba30d297fbf325f4d2cd84746c535416e551fdad6f5cb26e2e86a0e5"}};
    private static final List<String> FILES = List.of("train-mixed.tsv", "train-mixed-shuffled.tsv", "train-mixed-gloss.tsv",
            "train-mixed-gloss-shuffled.tsv");

    private static Path resource(String name) throws Exception {
        return Path.of(MixedAndGlossTest.class.getResource(name).toURI());
    }

    @Test
    void mixedFilesAndDefinitionsMatchPython(@TempDir Path tmp) throws Exception {
        // the Caltech rows are recognised by "/caltech101-96/" in their path, so the synthetic tree is named so
        Path data = tmp.resolve("caltech101-96");
        for (int i = 0; i < SplitTreesTest.SYNTHETIC.size(); i++) {
            Path d = Files.createDirectories(data.resolve(SplitTreesTest.SYNTHETIC.get(i)));
            for (int j = 0; j < (i * 7) % 11 + 2; j++) {
                Files.createFile(d.resolve("image_%04d.jpg".formatted(j + 1)));
            }
        }
        Path out = tmp.resolve("out");
        for (int seed = 0; seed < 3; seed++) {
            SplitTrees.write(data, out, seed);
        }
        Files.createDirectories(out.resolve("extra"));
        Files.copy(resource("extra.tsv"), out.resolve("extra/extra.tsv"));
        Path wn = Files.createDirectories(out.resolve("wordnet/usr/share/wordnet"));
        for (String f : List.of("index.noun", "data.noun")) {
            Files.copy(resource("wordnet/" + f), wn.resolve(f));
        }
        assertEquals(List.of(
                "split-0: 88 Caltech rows + 10 extra rows (cifar10 4, coco 4, tux 2), 2 extra captions dropped for naming a held-out class, 74 distinct captions",
                "split-1: 92 Caltech rows + 9 extra rows (cifar10 4, coco 3, tux 2), 3 extra captions dropped for naming a held-out class, 73 distinct captions",
                "split-2: 80 Caltech rows + 9 extra rows (cifar10 4, coco 3, tux 2), 3 extra captions dropped for naming a held-out class, 67 distinct captions"),
                ExtraCaptions.run(out, tmp.resolve("no-shared-needed"), 200));
        assertEquals(List.of(
                "split-0: 8 of 16 seen classes described (0 dropped for naming a held-out class), 13 of 30 held-out described",
                "split-1: 6 of 16 seen classes described (2 dropped for naming a held-out class), 13 of 30 held-out described",
                "split-2: 5 of 16 seen classes described (0 dropped for naming a held-out class), 16 of 30 held-out described"),
                Glosses.run(out));
        assertEquals(Files.readString(resource("glosses.tsv")), Files.readString(out.resolve("glosses.tsv")));
        String prefix = data.toRealPath() + "/";
        for (int seed = 0; seed < 3; seed++) {
            Path split = out.resolve("split-" + seed);
            for (int f = 0; f < FILES.size(); f++) {
                String text = Files.readString(split.resolve(FILES.get(f)), StandardCharsets.UTF_8).replace(prefix, "DATA/");
                assertEquals(DIGESTS[seed][f], SplitTreesTest.sha256(text.getBytes(StandardCharsets.UTF_8)), FILES.get(f) + " of split " + seed);
            }
            assertEquals(DIGESTS[seed][4], glossLinks(split, data.toRealPath()), "the -gloss trees of split " + seed);
        }
    }

    /** The -gloss trees' links, summarised as SplitTreesTest does (the paths keep the tree's name). */
    private static String glossLinks(Path split, Path realData) throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> s = Files.walk(split)) {
            for (String line : s.filter(Files::isSymbolicLink).filter(p -> split.relativize(p).getName(0).toString().endsWith("-gloss"))
                    .map(p -> {
                        try {
                            return split.relativize(p) + "\t" + realData.relativize(Files.readSymbolicLink(p));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).sorted().toList()) {
                all.append(line).append('\n');
            }
        }
        return SplitTreesTest.sha256(all.toString().getBytes(StandardCharsets.UTF_8));
    }
}
