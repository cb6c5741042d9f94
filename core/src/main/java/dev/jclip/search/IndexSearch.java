package dev.jclip.search;

import dev.jclip.zeroshot.Vectors;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Runs a {@link SearchRequest} on one searcher: the filtered vector search (HNSW with the filter
 * inside the graph walk, or an exact scan of the matching vectors), BM25, and their reciprocal
 * rank fusion. Stored fields are loaded only for the k results kept.
 */
final class IndexSearch {
    private record Scored(int doc, float score) {
    }

    private IndexSearch() {
    }

    static List<Hit> run(IndexSearcher s, SearchRequest r) throws IOException {
        String field = vectorField(r.modality());
        float[] q = r.vector() == null ? null : Vectors.normalized(r.vector());
        int depth = Math.max(r.k(), r.candidates());
        Query filter = r.filter().query();
        List<Scored> ranked;
        Map<Integer, Float> cosine = new HashMap<>();
        switch (r.ranking()) {
            case VECTOR -> {
                ranked = vectorList(s, field, q, r.exact() ? r.k() : depth, r.exact(), filter);
                ranked.forEach(h -> cosine.put(h.doc, h.score));
            }
            case BM25 -> ranked = lexicalList(s, field, r.words(), depth, filter);
            default -> {
                List<Scored> v = vectorList(s, field, q, depth, r.exact(), filter);
                v.forEach(h -> cosine.put(h.doc, h.score));
                ranked = fuse(v, lexicalList(s, field, r.words(), depth, filter), r.lexicalWeight());
            }
        }
        List<Hit> hits = new ArrayList<>();
        StoredFields sf = s.storedFields();
        for (Scored h : ranked) {
            if (hits.size() == r.k()) {
                break;
            }
            float score = h.score;
            if (r.ranking() == Ranking.HYBRID) {
                Float c = cosine.get(h.doc);
                if (c == null) {
                    float[] v = ImageIndex.vectorOf(s, h.doc, field);
                    c = v == null ? -1f : Vectors.dot(q, v);
                }
                score = c;
            }
            if (r.ranking() != Ranking.BM25 && score < r.threshold()) {
                if (r.ranking() == Ranking.VECTOR) {
                    break; // sorted by cosine: nothing further passes
                }
                continue;
            }
            hits.add(new Hit(IndexDocuments.entry(sf.document(h.doc)), score));
        }
        return hits;
    }

    static String vectorField(Modality m) {
        return m == Modality.IMAGE ? ImageIndex.F_VECTOR : ImageIndex.F_TEXT_VECTOR;
    }

    /** By cosine, best first (ties by doc), re-scored on the float32 vectors so scores are exact also with quantization. */
    private static List<Scored> vectorList(IndexSearcher s, String field, float[] q, int n, boolean exact, Query filter)
            throws IOException {
        List<Scored> out = new ArrayList<>();
        if (exact) {
            out = scan(s, field, q, n, filter);
        } else {
            for (ScoreDoc sd : s.search(new KnnFloatVectorQuery(field, q, n, filter), n).scoreDocs) {
                float[] v = ImageIndex.vectorOf(s, sd.doc, field);
                out.add(new Scored(sd.doc, v == null ? 2 * sd.score - 1 : Vectors.dot(q, v)));
            }
        }
        out.sort(Comparator.comparingDouble((Scored h) -> -h.score).thenComparingInt(h -> h.doc));
        return out;
    }

    /** The n best by brute force over the vectors that pass the filter. */
    private static List<Scored> scan(IndexSearcher s, String field, float[] q, int n, Query filter) throws IOException {
        Weight w = filter == null ? null : s.createWeight(s.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1f);
        PriorityQueue<Scored> top = new PriorityQueue<>(Comparator.comparingDouble((Scored h) -> h.score));
        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
            FloatVectorValues v = leaf.reader().getFloatVectorValues(field);
            if (v == null) {
                continue;
            }
            DocIdSetIterator it = v;
            if (w != null) {
                Scorer sc = w.scorer(leaf);
                if (sc == null) {
                    continue;
                }
                it = ConjunctionUtils.intersectIterators(List.of(sc.iterator(), v));
            }
            Bits live = leaf.reader().getLiveDocs();
            for (int d = it.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = it.nextDoc()) {
                if (live != null && !live.get(d)) {
                    continue;
                }
                float score = Vectors.dot(q, v.vectorValue());
                if (top.size() < n) {
                    top.add(new Scored(leaf.docBase + d, score));
                } else if (score > top.peek().score) {
                    top.poll();
                    top.add(new Scored(leaf.docBase + d, score));
                }
            }
        }
        return new ArrayList<>(top);
    }

    /** BM25 over captions and file names, among the entries of this modality that have a vector and pass the filter. */
    private static List<Scored> lexicalList(IndexSearcher s, String field, String words, int n, Query filter) throws IOException {
        Query lexical = Bm25.query(words);
        if (lexical == null) {
            return List.of();
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder()
                .add(lexical, BooleanClause.Occur.MUST)
                .add(new FieldExistsQuery(field), BooleanClause.Occur.FILTER);
        if (filter != null) {
            b.add(filter, BooleanClause.Occur.FILTER);
        }
        List<Scored> out = new ArrayList<>();
        for (ScoreDoc sd : s.search(b.build(), n).scoreDocs) {
            out.add(new Scored(sd.doc, sd.score));
        }
        return out;
    }

    /** Reciprocal rank fusion: Σ weight / (60 + rank), rank from 1; an entry missing from a list gets nothing from it. */
    static List<Scored> fuse(List<Scored> vector, List<Scored> lexical, double lexicalWeight) {
        Map<Integer, Double> fused = new HashMap<>();
        for (int i = 0; i < vector.size(); i++) {
            fused.merge(vector.get(i).doc, 1.0 / (SearchRequest.RRF_K + i + 1), Double::sum);
        }
        for (int i = 0; i < lexical.size(); i++) {
            fused.merge(lexical.get(i).doc, lexicalWeight / (SearchRequest.RRF_K + i + 1), Double::sum);
        }
        List<Scored> out = new ArrayList<>();
        fused.forEach((d, f) -> out.add(new Scored(d, f.floatValue())));
        out.sort(Comparator.comparingDouble((Scored h) -> -h.score).thenComparingInt(h -> h.doc));
        return out;
    }
}
