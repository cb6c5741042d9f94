package dev.jclip.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captions from sidecar files, CSV and COCO go into the index with text embeddings; a changed
 * caption re-embeds its image; an unreadable caption file is reported and loses nothing; long
 * captions are counted; text collections become entries of their own.
 */
class CaptionIndexingTest {
    /** Words as tokens (plus start and end markers); a context of 8 tokens. */
    static final class FakeTexts implements TextEncoder {
        int encoded;

        public int contextLength() {
            return 8;
        }

        public int tokens(String text) {
            return text.split("\\s+").length + 2;
        }

        public float[][] encode(List<String> texts) {
            encoded += texts.size();
            float[][] out = new float[texts.size()][IndexerTest.DIM];
            for (int i = 0; i < out.length; i++) {
                for (String w : texts.get(i).split("\\s+")) {
                    out[i][Math.floorMod(w.hashCode(), IndexerTest.DIM)] += 1;
                }
            }
            return out;
        }
    }

    @Test
    void sidecarCaptionsAreIndexedReembeddedWhenChangedAndAnUnreadableOneIsReported(@TempDir Path tmp) throws Exception {
        Path imgs = Files.createDirectories(tmp.resolve("imgs"));
        IndexerTest.png(imgs.resolve("dog.png"), Color.RED, 20, 20);
        IndexerTest.png(imgs.resolve("cat.png"), Color.BLUE, 20, 20);
        IndexerTest.png(imgs.resolve("bare.png"), Color.GREEN, 20, 20);
        Files.writeString(imgs.resolve("dog.txt"), "a dog in the snow\nde.utf8=ein Hund im Schnee\n");
        Files.writeString(imgs.resolve("cat.txt"), "a cat that sleeps on a very long and soft sofa all day\n");
        FakeTexts texts = new FakeTexts();
        Indexer indexer = new Indexer(new IndexerTest.FakeEncoder()).captions(CaptionSource.sidecar(), texts);
        try (ImageIndex idx = ImageIndex.openForWriting(tmp.resolve("idx"), IndexerTest.S)) {
            IndexReport r = indexer.run(idx, List.of(imgs));
            assertEquals(3, r.embedded());
            assertEquals(2, r.captions(), "the translation line is not a caption");
            assertEquals(1, r.truncated(), "the cat's caption is over the 8-token context");
            assertEquals(2, idx.textCount());
            Hit dog = idx.search(new SearchRequest(null, "snow", Modality.IMAGE, SearchFilter.none(), 3, false, -2, 10, Ranking.BM25, 1)).get(0);
            assertTrue(dog.entry().path().endsWith("dog.png"));
            assertEquals(List.of("a dog in the snow"), dog.entry().captions());

            assertEquals(0, indexer.run(idx, List.of(imgs)).embedded(), "nothing changed");
            Files.writeString(imgs.resolve("dog.txt"), "a dog on the beach\n");
            IndexReport again = indexer.run(idx, List.of(imgs));
            assertEquals(1, again.embedded(), "a changed caption re-embeds its image");
            assertEquals(1, again.captions());
            assertEquals(2, idx.textCount());

            // a directory where the caption file should be: unreadable even for root
            Path cat = imgs.resolve("cat.txt");
            String caption = Files.readString(cat);
            Files.delete(cat);
            Files.createDirectory(cat);
            IndexReport bad = indexer.run(idx, List.of(imgs));
            assertEquals(1, bad.captionErrors().size());
            assertTrue(bad.captionErrors().get(0).reason().startsWith("cannot read caption file " + cat + ": "),
                    bad.captionErrors().get(0).reason());
            assertEquals(0, bad.embedded(), "the image keeps what it had");
            assertEquals(3, idx.size(), "no image is lost");
            assertEquals(2, idx.textCount(), "no caption is lost");
            Files.delete(cat);
            Files.writeString(cat, caption);
            Files.writeString(cat, "a cat\n");
            IndexReport fixed = indexer.run(idx, List.of(imgs));
            assertEquals(1, fixed.embedded(), "readable again and changed: the image is embedded with its new caption");
            assertEquals(List.of("a cat"), idx.search(new SearchRequest(null, "cat", Modality.IMAGE, SearchFilter.none(), 1, false,
                    -2, 10, Ranking.BM25, 1)).get(0).entry().captions());
            assertEquals(2, idx.textCount());
        }
    }

    @Test
    void csvAndCocoCaptionsAndTextCollections(@TempDir Path tmp) throws Exception {
        Path imgs = Files.createDirectories(tmp.resolve("imgs"));
        IndexerTest.png(imgs.resolve("000000000139.png"), Color.RED, 20, 20);
        IndexerTest.png(imgs.resolve("b.png"), Color.BLUE, 20, 20);
        Path csv = tmp.resolve("caps.csv");
        Files.writeString(csv, "path,caption\nimgs/b.png,a blue square\nimgs/b.png,\"blue, square and white\"\n");
        Path coco = tmp.resolve("captions.json");
        Files.writeString(coco, "{\"images\":[{\"id\":139,\"file_name\":\"000000000139.png\"}],"
                + "\"annotations\":[{\"image_id\":139,\"caption\":\"A red room.\"},{\"image_id\":139,\"caption\":\"Red walls\"}]}");
        Path quotes = tmp.resolve("quotes.txt");
        Files.writeString(quotes, "the quick brown fox\n\njumps over the lazy dog\n");
        FakeTexts texts = new FakeTexts();
        try (ImageIndex idx = ImageIndex.openForWriting(tmp.resolve("idx"), IndexerTest.S)) {
            IndexReport r = new Indexer(new IndexerTest.FakeEncoder()).captions(CaptionSource.open(csv.toString()), texts)
                    .texts(List.of(quotes), "text", texts).run(idx, List.of(imgs));
            assertEquals(2, r.captions());
            assertEquals(2, r.texts());
            assertEquals(4, idx.textCount());
            List<Hit> fox = idx.search(new SearchRequest(null, "fox", Modality.TEXT, SearchFilter.none(), 3, false, -2, 10, Ranking.BM25, 1));
            assertEquals(quotes.toString() + "#1", fox.get(0).entry().path());
            assertEquals(-1, fox.get(0).entry().imageId());
            assertEquals(quotes.toString(), fox.get(0).entry().source());
            int before = texts.encoded;
            new Indexer(new IndexerTest.FakeEncoder()).texts(List.of(quotes), "text", texts).run(idx, List.of());
            assertEquals(before, texts.encoded, "an unchanged collection is not embedded again");

            new Indexer(new IndexerTest.FakeEncoder()).captions(CaptionSource.open(coco.toString()), texts).run(idx, List.of(imgs));
            Hit room = idx.search(new SearchRequest(null, "room", Modality.IMAGE, SearchFilter.none(), 3, false, -2, 10, Ranking.BM25, 1)).get(0);
            assertEquals(List.of("A red room.", "Red walls"), room.entry().captions());
        }
        IOException missing = assertThrows(IOException.class, () -> CaptionSource.open(tmp.resolve("nope.csv").toString()));
        assertEquals("cannot read captions file " + tmp.resolve("nope.csv") + ": no such file", missing.getMessage());
        Files.writeString(tmp.resolve("bad.json"), "{\"images\": [");
        IOException broken = assertThrows(IOException.class, () -> CaptionSource.open(tmp.resolve("bad.json").toString()));
        assertTrue(broken.getMessage().startsWith("cannot read captions file " + tmp.resolve("bad.json") + ": "), broken.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CaptionSource.open("captions.xml"));
        IOException col = assertThrows(IOException.class, () -> TextCollection.read(csv, "text"));
        assertTrue(col.getMessage().contains("no column 'text' (its columns are [path, caption]"), col.getMessage());
    }
}
