package dev.jclip.cli;

import dev.jclip.Clip;
import dev.jclip.model.ModelLoader;
import dev.jclip.search.ImageIndex;
import dev.jclip.search.IndexEntry;
import dev.jclip.zeroshot.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clip index --from-embeddings} builds the search index from {@code clip embed-dataset}'s
 * output without re-embedding: every image is in it with the vector the encoder gives, a query
 * finds an image by itself, and an index of another precision refuses the import.
 */
class IndexFromEmbeddingsTest {

    @Test
    void indexBuiltFromEmbeddingsHoldsTheEncodersVectors(@TempDir Path tmp) throws Exception {
        Path imgs = Files.createDirectories(tmp.resolve("imgs").resolve("noise")), out = tmp.resolve("emb"), idx = tmp.resolve("idx");
        SearchCommandsTest.noise(imgs, 12);
        String model = SearchCommandsTest.model().toString();
        CliRunner.Result e = CliRunner.run("embed-dataset", "--data", tmp.resolve("imgs").toString(), "--out", out.toString(),
                "-m", model, "--partition-size", "5", "--batch-size", "4");
        assertEquals(0, e.exitCode(), e.out() + e.err());
        CliRunner.Result r = CliRunner.run("index", "--index", idx.toString(), "--from-embeddings", out.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("imported 12 image vectors from 3 partitions"), r.out());

        List<Path> files;
        try (Stream<Path> s = Files.list(imgs)) {
            files = s.sorted().toList();
        }
        try (Clip clip = Clip.of(ModelLoader.load(SearchCommandsTest.model()).model());
             ImageIndex index = ImageIndex.openReadOnly(idx)) {
            assertEquals(12, index.size());
            float[][] direct = clip.encodeImages(files);
            Map<String, IndexEntry> entries = index.entries();
            double worst = 1;
            for (int i = 0; i < files.size(); i++) {
                String name = filesName(files, i);
                IndexEntry entry = entries.entrySet().stream().filter(x -> x.getKey().endsWith(name)).findFirst()
                        .orElseThrow(() -> new AssertionError(name + " is not in the index: " + entries.keySet())).getValue();
                float[] stored = index.vector(entry.id()).orElseThrow();
                float[] unit = Vectors.normalized(direct[i]);
                double dot = 0;
                for (int j = 0; j < unit.length; j++) {
                    dot += unit[j] * stored[j];
                }
                worst = Math.min(worst, dot);
            }
            assertTrue(worst > 0.99999, "stored vectors differ from the encoder's: worst cosine " + worst);
            var hits = index.search(Vectors.normalized(direct[3]), 1, true, -1f, 100);
            assertTrue(hits.get(0).entry().path().endsWith(filesName(files, 3)), hits.toString());
        }
        CliRunner.Result again = CliRunner.run("index", "--index", idx.toString(), "--from-embeddings", out.toString());
        assertEquals(0, again.exitCode(), again.err());
        try (ImageIndex index = ImageIndex.openReadOnly(idx)) {
            assertEquals(12, index.size(), "importing twice replaces, never duplicates");
        }
        CliRunner.Result other = CliRunner.run("embed-dataset", "--data", tmp.resolve("imgs").toString(), "--out",
                tmp.resolve("emb8").toString(), "-m", model, "--precision", "int8", "--partition-size", "12");
        assertEquals(0, other.exitCode(), other.err());
        CliRunner.Result refused = CliRunner.run("index", "--index", idx.toString(), "--from-embeddings", tmp.resolve("emb8").toString());
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.err().contains("cannot add to"), refused.err());
    }

    static String filesName(List<Path> files, int i) {
        return files.get(i).getFileName().toString();
    }
}
