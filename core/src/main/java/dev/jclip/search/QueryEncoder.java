package dev.jclip.search;

import dev.jclip.zeroshot.Vectors;

import java.io.IOException;
import java.util.List;

/** Embeds query terms; {@link #combine} turns a parsed query into one search vector. */
public interface QueryEncoder {
    float[] text(String text) throws IOException;

    float[] image(String path) throws IOException;

    /** An image fetched by URL; encoders without a fetcher refuse. */
    default float[] url(String url) throws IOException {
        throw new IOException("this query encoder fetches no URLs: " + url);
    }

    /** The stored vector of an indexed image. */
    float[] indexed(long id) throws IOException;

    /** Σ weight·normalize(embedding(term)), normalized; fails when the terms cancel out. */
    static float[] combine(List<QueryTerm> terms, QueryEncoder enc) throws IOException {
        float[] sum = null;
        for (QueryTerm t : terms) {
            float[] v = Vectors.normalized(switch (t.kind()) {
                case TEXT -> enc.text(t.value());
                case IMAGE -> enc.image(t.value());
                case INDEXED -> enc.indexed(Long.parseLong(t.value()));
                case URL -> enc.url(t.value());
            });
            if (sum == null) {
                sum = new float[v.length];
            }
            for (int i = 0; i < v.length; i++) {
                sum[i] += (float) (t.weight() * v[i]);
            }
        }
        double norm = 0;
        for (float x : sum) {
            norm += x * x;
        }
        if (norm < 1e-12) {
            throw new IllegalArgumentException("the query terms cancel out (zero vector)");
        }
        return Vectors.normalized(sum);
    }
}
