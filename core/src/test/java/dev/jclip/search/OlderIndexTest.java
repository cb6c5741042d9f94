package dev.jclip.search;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An index written before captions and filters existed (its documents as that version wrote them)
 * takes new images: Lucene 9 refuses a field whose structures change, so the filters' points live
 * in fields of their own. Its old entries are found by vector, not by filters.
 */
class OlderIndexTest {
    @Test
    void anIndexFromBeforeFiltersTakesNewImagesAndItsOldEntriesStaySearchable(@TempDir Path dir) throws Exception {
        Random r = new Random(9);
        float[] old = dev.jclip.zeroshot.Vectors.normalized(ImageIndexTest.rnd(r, 16));
        try (FSDirectory d = FSDirectory.open(dir); IndexWriter w = new IndexWriter(d, new IndexWriterConfig())) {
            Document doc = new Document();
            doc.add(new StringField("id", "0", Field.Store.YES));
            doc.add(new StringField("path", "/old/a.png", Field.Store.YES));
            doc.add(new StoredField("size", 1L));
            doc.add(new StoredField("mtime", 5L));
            doc.add(new StoredField("width", 640));
            doc.add(new StoredField("height", 480));
            doc.add(new KnnFloatVectorField("vector", old, VectorSimilarityFunction.DOT_PRODUCT));
            w.addDocument(doc);
            Map<String, String> data = ImageIndexTest.S.toCommitData();
            data.put("jclip.nextId", "1");
            w.setLiveCommitData(data.entrySet());
            w.commit();
        }
        try (ImageIndex idx = ImageIndex.openForWriting(dir, ImageIndexTest.S)) {
            idx.add("/new/b.png", 1, 6, 640, 480, ImageIndexTest.rnd(r, 16), List.of("a new image"),
                    new float[][]{ImageIndexTest.rnd(r, 16)}, null);
            idx.commit();
            assertEquals(2, idx.size());
            assertEquals("/old/a.png", idx.search(old, 1, false, -2, 10).get(0).entry().path());
            assertEquals(List.of("/new/b.png"), idx.search(SearchRequest.vector(old, 5)
                    .withFilter(SearchFilter.parse(List.of("width:600..")))).stream().map(h -> h.entry().path()).toList());
            assertEquals(1, idx.entry(1).orElseThrow().id());
        }
    }

}
