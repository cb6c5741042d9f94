package dev.jclip.search;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The lexical side of the index: captions and file names are analyzed by Lucene's
 * {@link StandardAnalyzer} (the index writer's default, so indexing and querying agree) and
 * ranked by Lucene's default similarity, BM25.
 */
final class Bm25 {
    static final Analyzer ANALYZER = new StandardAnalyzer();

    private Bm25() {
    }

    /** The terms the analyzer makes of {@code text}, in order, without repeats. */
    static List<String> analyze(String field, String text) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        try (TokenStream ts = ANALYZER.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a string reader does not fail
        }
        return new ArrayList<>(out);
    }

    /**
     * A file name as words: separators, digits runs and camel case split apart, so
     * {@code red_car-01.JPG} is found by "red car" (the standard tokenizer keeps {@code red_car} whole).
     */
    static String nameWords(String fileName) {
        String base = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
        return base.replaceAll("([a-z])([A-Z])", "$1 $2").replaceAll("[^\\p{L}\\p{N}]+", " ").toLowerCase(Locale.ROOT).strip();
    }

    /** Any of the words in the captions or the file name (BM25 adds up the matches), or null when no word survives analysis. */
    static Query query(String words) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int n = 0;
        for (String w : analyze(ImageIndex.F_CAPTION, words)) {
            b.add(new TermQuery(new Term(ImageIndex.F_CAPTION, w)), BooleanClause.Occur.SHOULD);
            b.add(new TermQuery(new Term(ImageIndex.F_NAME, w)), BooleanClause.Occur.SHOULD);
            n++;
        }
        return n == 0 ? null : b.build();
    }
}
