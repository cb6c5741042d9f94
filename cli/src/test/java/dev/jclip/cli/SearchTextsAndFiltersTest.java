package dev.jclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.search.ImageIndex;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clip index --captions/--texts} and {@code clip search --modality/--where/--bm25/--hybrid}
 * end to end with the vit-s fixture model, and the refusals of bad input (an unreadable captions
 * file, an unknown filter field, a bad range) that leave the index as it was.
 */
class SearchTextsAndFiltersTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void captionsTextsFiltersAndRankingsThroughTheCli(@TempDir Path tmp) throws Exception {
        Path imgs = Files.createDirectories(tmp.resolve("imgs")), idx = tmp.resolve("idx");
        SearchCommandsTest.noise(imgs, 6);
        Files.createDirectories(imgs.resolve("sub"));
        Files.move(imgs.resolve("img005.png"), imgs.resolve("sub/img005.png"));
        Path csv = tmp.resolve("captions.csv");
        StringBuilder caps = new StringBuilder("path,caption\n");
        caps.append("imgs/img000.png,a red fox jumps over the fence\n");
        caps.append("imgs/img001.png,").append("a very long caption ".repeat(30)).append('\n');
        caps.append("imgs/sub/img005.png,a fox asleep in the snow\n");
        Files.writeString(csv, caps);
        Path quotes = tmp.resolve("quotes.txt");
        Files.writeString(quotes, "the quick brown fox\nan apple a day\n");
        String model = SearchCommandsTest.model().toString();

        CliRunner.Result missing = CliRunner.run("index", "--index", idx.toString(), "--model", model, "--quiet",
                "--captions", tmp.resolve("nope.csv").toString(), imgs.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("cannot read captions file " + tmp.resolve("nope.csv") + ": no such file"), missing.err());
        assertFalse(ImageIndex.exists(idx), "nothing was written");

        CliRunner.Result ix = CliRunner.run("index", "--index", idx.toString(), "--model", model, "--quiet", "--json",
                "--captions", csv.toString(), "--texts", quotes.toString(), imgs.toString());
        assertEquals(0, ix.exitCode(), ix.err());
        JsonNode r = JSON.readTree(ix.out());
        assertEquals(6, r.get("images_in_index").asInt());
        assertEquals(3, r.get("captions_embedded").asInt());
        assertEquals(2, r.get("texts_embedded").asInt());
        assertEquals(1, r.get("truncated_texts").asInt(), "the 120-word caption is over 77 tokens");
        assertEquals(5, r.get("texts_in_index").asInt());

        JsonNode text = search(idx, "--modality", "text", "-n", "5", "the quick brown fox");
        assertEquals("the quick brown fox", text.get("results").get(0).get("text").asText(), "a text finds itself first");
        assertEquals(1.0, text.get("results").get(0).get("score").asDouble(), 1e-4);
        assertEquals("text", text.get("results").get(0).get("modality").asText());

        JsonNode imageToText = search(idx, "--modality", "text", "-n", "2", "image:" + imgs.resolve("img000.png"));
        assertEquals(2, imageToText.get("results").size());

        JsonNode bm25 = search(idx, "--bm25", "-n", "5", "fox");
        assertEquals("none needed", bm25.get("model_loaded").asText(), "BM25 alone loads no model");
        assertEquals(2, bm25.get("results").size(), "two captions have the word fox");
        JsonNode onlySub = search(idx, "--bm25", "--where", "path:" + imgs.resolve("sub"), "fox");
        assertEquals(1, onlySub.get("results").size());
        assertEquals(List.of("a fox asleep in the snow"),
                JSON.convertValue(onlySub.get("results").get(0).get("captions"), List.class));

        JsonNode filtered = search(idx, "-n", "10", "--where", "path:" + imgs.resolve("sub") + "/", "a photo");
        assertEquals(1, filtered.get("results").size(), "HNSW with a filter: only the matching image");
        JsonNode hybrid = search(idx, "-n", "6", "--hybrid", "--hybrid-weight", "50", "snow");
        assertTrue(hybrid.get("results").get(0).get("path").asText().endsWith("sub/img005.png"),
                "a heavy BM25 weight puts the caption match first: " + hybrid);
        assertEquals("hybrid", hybrid.get("ranking").asText());

        CliRunner.Result unknown = CliRunner.run("search", "--index", idx.toString(), "--where", "colour:red", "a cat");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown field 'colour'"), unknown.err());
        CliRunner.Result range = CliRunner.run("search", "--index", idx.toString(), "--where", "width:100..10", "a cat");
        assertEquals(1, range.exitCode());
        assertTrue(range.err().contains("the range's low end 100 is above its high end 10"), range.err());
        CliRunner.Result noWords = CliRunner.run("search", "--index", idx.toString(), "--hybrid", "id:0");
        assertEquals(1, noWords.exitCode());
        assertTrue(noWords.err().contains("--hybrid needs a text term"), noWords.err());
        try (ImageIndex ro = ImageIndex.openReadOnly(idx)) {
            assertEquals(6, ro.size(), "refused searches change nothing");
            assertEquals(5, ro.textCount());
        }

        Path longTexts = tmp.resolve("long.txt");
        Files.writeString(longTexts, "short text\n" + "word ".repeat(100) + "\n");
        CliRunner.Result more = CliRunner.run("index", "--index", idx.toString(), "--quiet", "--texts", longTexts.toString(), imgs.toString());
        assertEquals(0, more.exitCode(), more.err());
        assertTrue(more.out().contains("embedded 0 captions and 2 texts; the index holds 7 texts"), more.out());
        assertTrue(more.out().contains("1 captions or texts were longer than the model's 77-token context and were embedded truncated"),
                more.out());
        try (ImageIndex ro = ImageIndex.openReadOnly(idx)) {
            assertEquals(6, ro.size(), "a run without --captions keeps the images and their captions");
            assertEquals(7, ro.textCount());
        }
    }

    static JsonNode search(Path idx, String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "search";
        all[1] = "--index";
        all[2] = idx.toString();
        all[3] = "--json";
        System.arraycopy(args, 0, all, 4, args.length);
        CliRunner.Result r = CliRunner.run(all);
        assertEquals(0, r.exitCode(), r.err());
        return JSON.readTree(r.out());
    }
}
