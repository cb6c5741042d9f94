package dev.jclip.search;

import dev.jclip.zeroshot.Vectors;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * An image embedding index in a Lucene directory: one document per file with its path, size,
 * modification time and pixel size as stored fields and its L2-normalized embedding in an HNSW
 * vector field (dot product = cosine). Every {@link #commit()} is atomic (Lucene writes new
 * segment files and then a new {@code segments_N}), so a process killed at any point leaves the
 * last commit readable and complete. The settings ({@link IndexSettings}) and the next free id
 * travel in each commit's user data.
 *
 * <p>Open with {@link #openForWriting} (one writer at a time; Lucene's lock file refuses a second)
 * or {@link #openReadOnly}. Searching is thread-safe in both modes.
 */
public final class ImageIndex implements AutoCloseable {
    static final String F_ID = "id";
    static final String F_PATH = "path";
    static final String F_SIZE = "size";
    static final String F_MTIME = "mtime";
    static final String F_WIDTH = "width";
    static final String F_HEIGHT = "height";
    static final String F_BAD = "bad";
    static final String F_VECTOR = "vector";
    /**
     * Width, height and mtime as points, for the range filters. Fields of their own: Lucene 9
     * refuses a field whose structures change, and indexes written before the filters hold
     * {@code width}, {@code height} and {@code mtime} as stored values only.
     */
    static final String F_WIDTH_POINT = "width_point";
    static final String F_HEIGHT_POINT = "height_point";
    static final String F_MTIME_POINT = "mtime_point";
    /** "image" or "text"; indexes written before texts existed hold images only and lack it. */
    static final String F_KIND = "kind";
    /** The file name as words, for BM25. */
    static final String F_NAME = "name";
    /** Lower-case extension of the file (of the source file for a text). */
    static final String F_EXT = "ext";
    /** Captions (analyzed for BM25 and the caption filter, and stored); a text entry's text. */
    static final String F_CAPTION = "caption";
    /** A digest of an image's captions as indexed, so that a changed caption re-embeds the image. */
    static final String F_CAPTION_KEY = "caption_key";
    /** The text embedding of a text entry (a separate field: images and texts are separate HNSW graphs). */
    static final String F_TEXT_VECTOR = "text_vector";
    /** A text entry's source: the image it captions or the text collection file it came from. */
    static final String F_SOURCE = "source";
    /** The id of the image a caption describes. */
    static final String F_IMAGE_ID = "image_id";
    /** HNSW graph degree and construction beam: Lucene's defaults (16, 100). */
    static final int MAX_CONN = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;
    static final int BEAM_WIDTH = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;
    /**
     * HNSW search beam when fewer results are asked for. Measured at 10⁶ clustered 512-d vectors
     * (docs/search.md): beam 100 gave recall@10 0.915 and 0.970 on two builds, beam 200 gave 1.000
     * at 267 queries/s, 206× the exact rate.
     */
    public static final int DEFAULT_CANDIDATES = 200;

    private final Path path;
    private final Directory dir;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final IndexSettings settings;
    private long nextId;
    /** Ids of the paths in the index (writing mode only), so replacing a file keeps its id without a lookup. */
    private final Map<String, Long> ids = new HashMap<>();

    private ImageIndex(Path path, Directory dir, IndexWriter writer, SearcherManager searchers, IndexSettings settings, long nextId) {
        this.path = path;
        this.dir = dir;
        this.writer = writer;
        this.searchers = searchers;
        this.settings = settings;
        this.nextId = nextId;
    }

    /** True when {@code dir} holds a committed index. */
    public static boolean exists(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Directory d = FSDirectory.open(dir)) {
            return DirectoryReader.indexExists(d);
        }
    }

    /** The settings recorded in the last commit of the index at {@code dir}. */
    public static IndexSettings readSettings(Path dir) throws IOException {
        try (Directory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
            IndexSettings s = IndexSettings.fromCommitData(r.getIndexCommit().getUserData());
            if (s == null) {
                throw new IndexMismatchException(dir + " is a Lucene index but not a jclip image index");
            }
            return s;
        }
    }

    /**
     * Opens (or creates) the index at {@code dir} for adding and removing images with vectors made
     * under {@code wanted}; refuses an existing index built with other settings.
     */
    public static ImageIndex openForWriting(Path dir, IndexSettings wanted) throws IOException {
        return openForWriting(dir, wanted, 256);
    }

    /**
     * As {@link #openForWriting(Path, IndexSettings)} with another indexing RAM buffer: a bulk
     * build that keeps all vectors in memory until its commit writes one segment per indexing
     * thread and never merges (merging HNSW segments rebuilds most of the graph).
     */
    public static ImageIndex openForWriting(Path dir, IndexSettings wanted, double ramBufferMB) throws IOException {
        Files.createDirectories(dir);
        IndexSettings existing = exists(dir) ? readSettings(dir) : null;
        if (existing != null) {
            String why = existing.mismatch(wanted);
            if (why != null) {
                throw new IndexMismatchException("cannot add to " + dir + ": " + why
                        + "; use another --index or delete this one");
            }
        }
        Directory d = FSDirectory.open(dir);
        try {
            IndexWriterConfig cfg = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setCodec(codec(wanted.quantization()))
                    .setRAMBufferSizeMB(ramBufferMB);
            IndexWriter w = new IndexWriter(d, cfg);
            long next = 0;
            if (existing != null) {
                next = Long.parseLong(commitValue(w, "jclip.nextId", "0"));
            }
            ImageIndex index = new ImageIndex(dir, d, w, new SearcherManager(w, null), wanted, next);
            index.entries().forEach((p, e) -> index.ids.put(p, e.id()));
            if (existing == null) {
                index.commit(); // record the settings at once: an empty index already knows its model
            }
            return index;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Opens an existing index for searching only (another process may be writing it). */
    public static ImageIndex openReadOnly(Path dir) throws IOException {
        if (!exists(dir)) {
            throw new IOException("no index at " + dir + " (build one with: clip index --index " + dir + " --model M FOLDER)");
        }
        IndexSettings s = readSettings(dir);
        Directory d = FSDirectory.open(dir);
        try {
            return new ImageIndex(dir, d, null, new SearcherManager(d, null), s, -1);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static String commitValue(IndexWriter w, String key, String dflt) {
        for (Map.Entry<String, String> e : w.getLiveCommitData()) {
            if (e.getKey().equals(key)) {
                return e.getValue();
            }
        }
        return dflt;
    }

    private static Lucene912Codec codec(Quantization q) {
        KnnVectorsFormat format = q == Quantization.NONE
                ? new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH)
                : new Lucene99HnswScalarQuantizedVectorsFormat(MAX_CONN, BEAM_WIDTH, 1, q.bits(), false, null, null);
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    public Path path() {
        return path;
    }

    public IndexSettings settings() {
        return settings;
    }

    private IndexWriter writer() {
        if (writer == null) {
            throw new IllegalStateException("index opened read-only");
        }
        return writer;
    }

    /**
     * Adds (or replaces) the image at {@code path} with its embedding (normalized here). Replacing
     * keeps the file's id, so links to it stay valid. Returns the id.
     */
    public long add(String path, long size, long mtimeMillis, int width, int height, float[] vector) throws IOException {
        return add(path, size, mtimeMillis, width, height, vector, List.of(), new float[0][], null);
    }

    /**
     * As {@link #add(String, long, long, int, int, float[])}, with the image's captions and their
     * text embeddings: the captions are stored on the image (for BM25, the caption filter and
     * results), and each becomes a text entry ({@code path#i}) in the text graph. The image's
     * earlier captions are replaced. {@code captionKey} records the caption source's state (null:
     * the digest of the captions).
     */
    public long add(String path, long size, long mtimeMillis, int width, int height, float[] vector,
                    List<String> captions, float[][] captionVectors, String captionKey) throws IOException {
        if (captions.size() != captionVectors.length) {
            throw new IllegalArgumentException(captions.size() + " captions with " + captionVectors.length + " vectors");
        }
        float[] unit = unit(vector, path);
        long id;
        long[] captionIds = new long[captions.size()];
        synchronized (this) {
            id = idFor(path);
            for (int i = 0; i < captionIds.length; i++) {
                captionIds[i] = nextId++;
            }
        }
        // IndexWriter is thread-safe, and the HNSW insertion inside updateDocument is the costly
        // part: outside the lock, several threads can build (one segment's graph each) at once
        Document doc = IndexDocuments.base(id, path, size, mtimeMillis);
        doc.add(new StringField(F_KIND, Modality.IMAGE.label(), Field.Store.NO));
        IndexDocuments.addPixels(doc, width, height);
        for (String c : captions) {
            doc.add(new TextField(F_CAPTION, c, Field.Store.YES));
        }
        doc.add(new StoredField(F_CAPTION_KEY, captionKey != null ? captionKey : captionKey(captions)));
        doc.add(new KnnFloatVectorField(F_VECTOR, unit, VectorSimilarityFunction.DOT_PRODUCT));
        writer().updateDocument(new Term(F_PATH, path), doc);
        writer().deleteDocuments(new Term(F_SOURCE, path));
        for (int i = 0; i < captions.size(); i++) {
            Document t = IndexDocuments.text(captionIds[i], path + "#" + i, path, size, mtimeMillis, captions.get(i),
                    unit(captionVectors[i], path + "#" + i));
            t.add(new StoredField(F_IMAGE_ID, id));
            IndexDocuments.addPixels(t, width, height);
            writer().addDocument(t);
        }
        return id;
    }

    /** The digest of a caption list that {@link #add} records when given no key. */
    public static String captionKey(List<String> captions) {
        return captions.isEmpty() ? "" : Integer.toHexString(String.join("\n", captions).hashCode()) + "/" + captions.size();
    }

    /**
     * Replaces every text of the collection file {@code source} by {@code texts} with their
     * embeddings (entries {@code source#line}). The source's size and time are recorded so an
     * unchanged file is not embedded again.
     */
    public void putTexts(String source, long size, long mtimeMillis, List<String> texts, List<Integer> lines, float[][] vectors)
            throws IOException {
        removeTexts(source);
        for (int i = 0; i < texts.size(); i++) {
            long id;
            synchronized (this) {
                id = nextId++;
            }
            writer().addDocument(IndexDocuments.text(id, source + "#" + lines.get(i), source, size, mtimeMillis, texts.get(i),
                    unit(vectors[i], source + "#" + lines.get(i))));
        }
    }

    /** Removes the text entries that came from {@code source} (an image's captions or a collection file). */
    public void removeTexts(String source) throws IOException {
        writer().deleteDocuments(new Term(F_SOURCE, source));
    }

    private float[] unit(float[] vector, String what) {
        if (vector.length != settings.dim()) {
            throw new IllegalArgumentException("vector of width " + vector.length + " in an index of width " + settings.dim());
        }
        float[] unit = Vectors.normalized(vector);
        for (float v : unit) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("non-finite embedding for " + what);
            }
        }
        return unit;
    }

    /** Records a file that could not be decoded (no vector), so that it is not retried while unchanged. */
    public synchronized void addBad(String path, long size, long mtimeMillis, String reason) throws IOException {
        Document doc = IndexDocuments.base(idFor(path), path, size, mtimeMillis);
        doc.add(new StoredField(F_BAD, reason));
        writer().updateDocument(new Term(F_PATH, path), doc);
        writer().deleteDocuments(new Term(F_SOURCE, path));
    }

    private long idFor(String path) {
        return ids.computeIfAbsent(path, p -> nextId++);
    }

    /** Removes an image and its captions. */
    public synchronized void remove(String path) throws IOException {
        writer().deleteDocuments(new Term(F_PATH, path));
        writer().deleteDocuments(new Term(F_SOURCE, path));
        ids.remove(path);
    }

    /** Makes everything added so far durable (fsync + atomic rename of the commit point). */
    public synchronized void commit() throws IOException {
        Map<String, String> data = settings.toCommitData();
        data.put("jclip.nextId", Long.toString(nextId));
        writer().setLiveCommitData(data.entrySet());
        writer().commit();
        searchers.maybeRefreshBlocking();
    }

    /** Picks up changes: the writer's uncommitted ones, or other processes' commits when read-only. */
    public void refresh() throws IOException {
        searchers.maybeRefreshBlocking();
    }

    /** Every image entry (good and bad), by path; texts are left out (see {@link #textSources()}). */
    public Map<String, IndexEntry> entries() throws IOException {
        refresh();
        Map<String, IndexEntry> out = new HashMap<>();
        IndexSearcher s = searchers.acquire();
        try {
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                LeafReader r = leaf.reader();
                Bits live = r.getLiveDocs();
                StoredFields sf = r.storedFields();
                for (int d = 0; d < r.maxDoc(); d++) {
                    if (live == null || live.get(d)) {
                        IndexEntry e = IndexDocuments.entry(sf.document(d));
                        if (e.modality() == Modality.IMAGE) {
                            out.put(e.path(), e);
                        }
                    }
                }
            }
        } finally {
            searchers.release(s);
        }
        return out;
    }

    /** The source files of the text entries with the size and modification time each was read at ({size, mtime}). */
    public Map<String, long[]> textSources() throws IOException {
        refresh();
        Map<String, long[]> out = new HashMap<>();
        IndexSearcher s = searchers.acquire();
        try {
            for (ScoreDoc sd : s.search(new TermQuery(new Term(F_KIND, Modality.TEXT.label())), Integer.MAX_VALUE).scoreDocs) {
                IndexEntry e = IndexDocuments.entry(s.storedFields().document(sd.doc));
                out.putIfAbsent(e.source(), new long[]{e.size(), e.mtimeMillis()});
            }
        } finally {
            searchers.release(s);
        }
        return out;
    }

    /** Number of searchable images (entries with a vector). */
    public int size() throws IOException {
        return count(F_VECTOR);
    }

    /** Number of searchable texts (captions and collection texts). */
    public int textCount() throws IOException {
        return count(F_TEXT_VECTOR);
    }

    private int count(String field) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            int n = 0;
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                FloatVectorValues v = leaf.reader().getFloatVectorValues(field);
                Bits live = leaf.reader().getLiveDocs();
                if (v == null) {
                    continue;
                }
                for (int d = v.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = v.nextDoc()) {
                    if (live == null || live.get(d)) {
                        n++;
                    }
                }
            }
            return n;
        } finally {
            searchers.release(s);
        }
    }

    public Optional<IndexEntry> entry(long id) throws IOException {
        return find(new TermQuery(new Term(F_ID, Long.toString(id))));
    }

    /** The stored (normalized, float32) vector of an image or a text, empty for an unknown id or a bad file. */
    public Optional<float[]> vector(long id) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs td = s.search(new TermQuery(new Term(F_ID, Long.toString(id))), 1);
            if (td.scoreDocs.length == 0) {
                return Optional.empty();
            }
            int doc = td.scoreDocs[0].doc;
            float[] v = vectorOf(s, doc, F_VECTOR);
            return Optional.ofNullable(v != null ? v : vectorOf(s, doc, F_TEXT_VECTOR));
        } finally {
            searchers.release(s);
        }
    }

    private Optional<IndexEntry> find(org.apache.lucene.search.Query q) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs td = s.search(q, 1);
            if (td.scoreDocs.length == 0) {
                return Optional.empty();
            }
            return Optional.of(IndexDocuments.entry(s.storedFields().document(td.scoreDocs[0].doc)));
        } finally {
            searchers.release(s);
        }
    }

    /** The stored caption key of the image at {@code path} (null when the image is unknown or was indexed without one). */
    public String captionKeyOf(String path) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs td = s.search(new TermQuery(new Term(F_PATH, path)), 1);
            return td.scoreDocs.length == 0 ? null : s.storedFields().document(td.scoreDocs[0].doc).get(F_CAPTION_KEY);
        } finally {
            searchers.release(s);
        }
    }

    static float[] vectorOf(IndexSearcher s, int globalDoc, String field) throws IOException {
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(globalDoc, leaves));
        FloatVectorValues v = leaf.reader().getFloatVectorValues(field);
        int d = globalDoc - leaf.docBase;
        if (v == null || v.advance(d) != d) {
            return null;
        }
        return v.vectorValue().clone();
    }

    /**
     * The {@code k} images most similar to {@code query} (normalized here) with cosine ≥
     * {@code threshold}: by HNSW with a beam of {@code max(k, candidates)}, or by scanning every
     * vector when {@code exact}. HNSW hits are re-scored on the float32 vectors, so scores are
     * exact cosines also with quantization.
     */
    public List<Hit> search(float[] query, int k, boolean exact, float threshold, int candidates) throws IOException {
        return search(SearchRequest.vector(query, k).withExact(exact, threshold, candidates));
    }

    /**
     * Runs a search of images or texts: by vector (HNSW with the filter applied inside the graph
     * walk, or an exact scan of the matching vectors), by BM25 over captions and file names, or by
     * their reciprocal rank fusion (see {@link SearchRequest}).
     */
    public List<Hit> search(SearchRequest r) throws IOException {
        if (r.vector() != null && r.vector().length != settings.dim()) {
            throw new IllegalArgumentException("query vector of width " + r.vector().length + " for an index of width " + settings.dim());
        }
        IndexSearcher s = searchers.acquire();
        try {
            return IndexSearch.run(s, r);
        } finally {
            searchers.release(s);
        }
    }

    /** Calls {@code each} with every searchable entry and its vector (for duplicate detection). */
    public void forEachVector(BiConsumer<IndexEntry, float[]> each) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                FloatVectorValues v = leaf.reader().getFloatVectorValues(F_VECTOR);
                if (v == null) {
                    continue;
                }
                Bits live = leaf.reader().getLiveDocs();
                StoredFields sf = leaf.reader().storedFields();
                for (int d = v.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = v.nextDoc()) {
                    if (live == null || live.get(d)) {
                        each.accept(IndexDocuments.entry(sf.document(d)), v.vectorValue().clone());
                    }
                }
            }
        } finally {
            searchers.release(s);
        }
    }

    /** Merges into one segment (one HNSW graph: faster queries); costs a graph rebuild. */
    public void forceMerge() throws IOException {
        writer().forceMerge(1);
    }

    @Override
    public void close() throws IOException {
        try {
            if (writer != null) {
                commit();
            }
            searchers.close();
            if (writer != null) {
                writer.close();
            }
        } finally {
            dir.close();
        }
    }
}
