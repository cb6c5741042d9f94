package dev.jclip.search;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.VectorSimilarityFunction;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The Lucene documents of {@link ImageIndex}: how an entry is written and read back. */
final class IndexDocuments {
    private IndexDocuments() {
    }

    /** What every entry has: id, path (the key), size and mtime (stored, mtime also a point), extension and name words. */
    static Document base(long id, String path, long size, long mtimeMillis) {
        Document doc = new Document();
        doc.add(new StringField(ImageIndex.F_ID, Long.toString(id), Field.Store.YES));
        doc.add(new StringField(ImageIndex.F_PATH, path, Field.Store.YES));
        doc.add(new StoredField(ImageIndex.F_SIZE, size));
        doc.add(new StoredField(ImageIndex.F_MTIME, mtimeMillis));
        doc.add(new LongPoint(ImageIndex.F_MTIME_POINT, mtimeMillis));
        String name = Path.of(path.contains("#") ? path.substring(0, path.lastIndexOf('#')) : path).getFileName().toString();
        int dot = name.lastIndexOf('.');
        doc.add(new StringField(ImageIndex.F_EXT, dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "", Field.Store.NO));
        doc.add(new TextField(ImageIndex.F_NAME, Bm25.nameWords(name), Field.Store.NO));
        return doc;
    }

    /** A text entry: a caption of an image or a text of a collection, in the text graph. */
    static Document text(long id, String key, String source, long size, long mtimeMillis, String text, float[] unit) {
        Document t = base(id, key, size, mtimeMillis);
        t.add(new StringField(ImageIndex.F_KIND, Modality.TEXT.label(), Field.Store.YES));
        t.add(new StringField(ImageIndex.F_SOURCE, source, Field.Store.YES));
        t.add(new TextField(ImageIndex.F_CAPTION, text, Field.Store.YES));
        t.add(new KnnFloatVectorField(ImageIndex.F_TEXT_VECTOR, unit, VectorSimilarityFunction.DOT_PRODUCT));
        return t;
    }

    /** Pixel size, stored and indexed as points for the width and height filters. */
    static void addPixels(Document doc, int width, int height) {
        doc.add(new StoredField(ImageIndex.F_WIDTH, width));
        doc.add(new StoredField(ImageIndex.F_HEIGHT, height));
        doc.add(new IntPoint(ImageIndex.F_WIDTH_POINT, width));
        doc.add(new IntPoint(ImageIndex.F_HEIGHT_POINT, height));
    }

    /** The entry a stored document describes (indexes from before texts existed hold images only). */
    static IndexEntry entry(Document d) {
        boolean text = Modality.TEXT.label().equals(d.get(ImageIndex.F_KIND));
        return new IndexEntry(Long.parseLong(d.get(ImageIndex.F_ID)), d.get(ImageIndex.F_PATH),
                d.getField(ImageIndex.F_SIZE).numericValue().longValue(), d.getField(ImageIndex.F_MTIME).numericValue().longValue(),
                d.getField(ImageIndex.F_WIDTH) == null ? 0 : d.getField(ImageIndex.F_WIDTH).numericValue().intValue(),
                d.getField(ImageIndex.F_HEIGHT) == null ? 0 : d.getField(ImageIndex.F_HEIGHT).numericValue().intValue(),
                d.get(ImageIndex.F_BAD), text ? Modality.TEXT : Modality.IMAGE, List.of(d.getValues(ImageIndex.F_CAPTION)), d.get(ImageIndex.F_SOURCE),
                d.getField(ImageIndex.F_IMAGE_ID) == null ? -1 : d.getField(ImageIndex.F_IMAGE_ID).numericValue().longValue());
    }
}
