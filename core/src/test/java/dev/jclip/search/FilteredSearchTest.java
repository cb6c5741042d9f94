package dev.jclip.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Filters inside the vector search (k results that all match, close to exact filtered search),
 * BM25 and hybrid ranking over captions and file names, caption entries in the text graph, and
 * the refusals of malformed filters.
 */
class FilteredSearchTest {
    static final int DIM = 16;
    static final IndexSettings S = new IndexSettings("m", "f".repeat(64), "fp32", DIM, Quantization.NONE);

    static SearchRequest req(float[] q, int k, String... where) {
        return SearchRequest.vector(q, k).withFilter(SearchFilter.parse(List.of(where)));
    }

    @Test
    void aFilteredHnswSearchReturnsKMatchingHitsAndAgreesWithExactFilteredSearch(@TempDir Path dir) throws Exception {
        Random r = new Random(3);
        int n = 3000;
        try (ImageIndex idx = ImageIndex.openForWriting(dir, S)) {
            for (int i = 0; i < n; i++) {
                // width i: "width:0..29" keeps 1%, "width:0..299" 10%
                idx.add("/img/" + (i % 2 == 0 ? "even" : "odd") + "/" + i + (i % 3 == 0 ? ".jpg" : ".png"),
                        i, 1_700_000_000_000L + i * 1000L, i, 100, ImageIndexTest.rnd(r, DIM));
            }
            idx.commit();
            double recall = 0;
            int queries = 20;
            for (String where : List.of("width:0..29", "width:0..299")) {
                double sum = 0;
                for (int qi = 0; qi < queries; qi++) {
                    float[] q = ImageIndexTest.rnd(r, DIM);
                    List<Hit> hnsw = idx.search(req(q, 10, where));
                    List<Hit> exact = idx.search(req(q, 10, where).withExact(true, -2f, 200));
                    assertEquals(10, hnsw.size(), "a filtered search still returns k results");
                    int hi = where.equals("width:0..29") ? 29 : 299;
                    hnsw.forEach(h -> assertTrue(h.entry().width() <= hi, "width " + h.entry().width() + " passes " + where));
                    Set<Long> truth = new HashSet<>();
                    exact.forEach(h -> truth.add(h.entry().id()));
                    sum += hnsw.stream().filter(h -> truth.contains(h.entry().id())).count() / 10.0;
                }
                recall = sum / queries;
                assertTrue(recall >= 0.95, where + ": recall@10 " + recall);
            }
            float[] q = ImageIndexTest.rnd(r, DIM);
            for (Hit h : idx.search(req(q, 20, "path:/img/even/", "ext:JPG"))) {
                assertTrue(h.entry().path().startsWith("/img/even/") && h.entry().path().endsWith(".jpg"), h.entry().path());
            }
            for (Hit h : idx.search(req(q, 20, "path:even/*[05].png"))) {
                assertTrue(h.entry().path().matches("/img/even/[0-9]*[05]\\.png"), h.entry().path());
            }
            assertEquals(0, idx.search(req(q, 20, "path:/img/*.png")).size(), "* stays inside one folder");
            assertEquals(20, idx.search(req(q, 20, "path:/img/**.png")).size(), "** crosses folders");
            // open ends: the widths 2990..2999 and 0..9
            assertEquals(10, idx.search(req(q, 50, "width:2990..").withExact(true, -2f, 200)).size());
            assertEquals(10, idx.search(req(q, 50, "width:..9")).size());
            assertEquals(20, idx.search(req(q, 20, "height:100")).size());
            List<Hit> recent = idx.search(req(q, 50, "mtime:" + (1_700_000_000_000L + 2990_000L) + "..").withExact(true, -2f, 200));
            assertEquals(10, recent.size(), "the ten newest");
        }
    }

    @Test
    void captionsAreStoredSearchedByBm25AndHybridAndBecomeTextEntries(@TempDir Path dir) throws Exception {
        Random r = new Random(4);
        float[] dog = ImageIndexTest.rnd(r, DIM), cat = ImageIndexTest.rnd(r, DIM);
        try (ImageIndex idx = ImageIndex.openForWriting(dir, S)) {
            for (int i = 0; i < 50; i++) {
                idx.add("/p/noise" + i + ".png", 1, 1, 8, 8, ImageIndexTest.rnd(r, DIM));
            }
            long dogId = idx.add("/p/a.png", 1, 1, 8, 8, dog, List.of("a dog in the snow", "white puppy"),
                    new float[][]{dog, dog}, null);
            idx.add("/p/red_car-01.png", 1, 1, 8, 8, cat, List.of("a cat on a sofa"), new float[][]{cat}, null);
            idx.commit();
            assertEquals(52, idx.size());
            assertEquals(3, idx.textCount());
            assertEquals(52, idx.entries().size(), "text entries are not image entries");

            SearchRequest bm25 = new SearchRequest(null, "snow dog", Modality.IMAGE, SearchFilter.none(), 5, false, -2f, 100, Ranking.BM25, 1);
            List<Hit> lex = idx.search(bm25);
            assertEquals(1, lex.size());
            assertEquals(dogId, lex.get(0).entry().id());
            assertEquals(List.of("a dog in the snow", "white puppy"), lex.get(0).entry().captions());
            assertEquals("/p/red_car-01.png", idx.search(bm25.withRanking(Ranking.BM25, "red car", 1)).get(0).entry().path(),
                    "file names are words too");

            // a vector that points at the cat image: the vector ranking puts the cat first, BM25 the dog;
            // with a heavy BM25 weight the fusion follows BM25, with weight 0 the vectors
            SearchRequest hybrid = SearchRequest.vector(cat, 5).withRanking(Ranking.HYBRID, "puppy", 5);
            assertEquals(dogId, idx.search(hybrid).get(0).entry().id());
            assertEquals("/p/red_car-01.png", idx.search(hybrid.withRanking(Ranking.HYBRID, "puppy", 0)).get(0).entry().path());
            assertEquals(1.0, idx.search(hybrid.withRanking(Ranking.HYBRID, "puppy", 0)).get(0).score(), 1e-5, "scores stay cosines");

            List<Hit> texts = idx.search(SearchRequest.vector(dog, 3).withModality(Modality.TEXT));
            assertEquals(Modality.TEXT, texts.get(0).entry().modality());
            assertEquals(dogId, texts.get(0).entry().imageId());
            assertTrue(Set.of("a dog in the snow", "white puppy").contains(texts.get(0).entry().caption()));
            List<Hit> withSofa = idx.search(SearchRequest.vector(dog, 3).withModality(Modality.TEXT)
                    .withFilter(SearchFilter.parse(List.of("caption:sofa"))));
            assertEquals(List.of("a cat on a sofa"), withSofa.stream().map(h -> h.entry().caption()).toList());

            idx.add("/p/a.png", 1, 2, 8, 8, dog, List.of("a dog"), new float[][]{dog}, null);
            idx.commit();
            assertEquals(2, idx.textCount(), "re-adding an image replaces its captions");
            idx.remove("/p/a.png");
            idx.commit();
            assertEquals(1, idx.textCount(), "removing an image removes its captions");
        }
    }

    @Test
    void malformedFiltersAreRefusedWithTheReason() {
        assertMessage("unknown field 'colour' (known: path, ext, width, height, mtime, caption)", "colour:red");
        assertMessage("the range's low end 200 is above its high end 100", "width:200..100");
        assertMessage("'abc' is not a pixel count", "height:abc..");
        assertMessage("the range '..' has no end", "width:..");
        assertMessage("a range is LOW..HIGH, with one '..'", "width:1..2..3");
        assertMessage("'2024-13-01' is not a date", "mtime:2024-13-01..");
        assertMessage("write FIELD:VALUE", "width");
        assertMessage("empty value", "ext:");
        assertMessage("'[' without ']'", "path:/a/[bc");
        assertMessage("no words to look for", "caption:\"...\"");
    }

    static void assertMessage(String part, String where) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchFilter.parse(List.of(where)));
        assertTrue(e.getMessage().contains(part), where + " → " + e.getMessage());
    }

    @Test
    void hybridAndBm25NeedWordsAndFusionIsReciprocalRank() {
        assertThrows(IllegalArgumentException.class, () -> SearchRequest.vector(new float[DIM], 5).withRanking(Ranking.HYBRID, " ", 1));
        assertThrows(IllegalArgumentException.class, () -> SearchRequest.vector(new float[DIM], 5).withRanking(Ranking.HYBRID, "x", -1));
        assertEquals("(.*/)?cats\\/[^/]*\\.jpg", "(.*/)?" + SearchFilter.globToRegexp("cats/*.jpg"));
    }
}
