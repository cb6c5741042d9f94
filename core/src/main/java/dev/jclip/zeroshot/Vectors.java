package dev.jclip.zeroshot;

/** Small dense-vector helpers for embeddings. */
public final class Vectors {
    private Vectors() {
    }

    /** A copy of v scaled to unit L2 norm (zero vectors stay zero). */
    public static float[] normalized(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float inv = s == 0 ? 0f : (float) (1.0 / Math.sqrt(s));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }

    public static float dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return (float) s;
    }

    /** Cosine similarity of every row of a with every row of b. */
    public static float[][] cosine(float[][] a, float[][] b) {
        float[][] bn = new float[b.length][];
        for (int j = 0; j < b.length; j++) {
            bn[j] = normalized(b[j]);
        }
        float[][] out = new float[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            float[] an = normalized(a[i]);
            for (int j = 0; j < b.length; j++) {
                out[i][j] = dot(an, bn[j]);
            }
        }
        return out;
    }

    /** Numerically stable softmax. */
    public static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }
}
