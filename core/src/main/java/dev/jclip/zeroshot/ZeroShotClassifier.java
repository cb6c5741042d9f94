package dev.jclip.zeroshot;

import dev.jclip.tensor.HostTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A classifier built from text alone: for each class, every template is filled with the label and
 * embedded; each template embedding is normalized, they are averaged, and the mean is normalized
 * again (prompt ensembling). An image is scored by scale · cos(image, class).
 */
public final class ZeroShotClassifier {
    private final List<String> labels;
    private final float[][] classEmbeddings; // [C][D], unit norm

    private ZeroShotClassifier(List<String> labels, float[][] classEmbeddings) {
        this.labels = List.copyOf(labels);
        this.classEmbeddings = classEmbeddings;
    }

    /** Builds the classifier, embedding all prompts in batches of at most {@code batch} texts. */
    public static ZeroShotClassifier build(TextEmbedder embedder, List<String> labels, Templates templates, int batch) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("no class labels");
        }
        List<String> prompts = new ArrayList<>(labels.size() * templates.size());
        for (String l : labels) {
            prompts.addAll(templates.apply(l));
        }
        List<float[]> emb = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i += batch) {
            emb.addAll(Arrays.asList(embedder.embed(prompts.subList(i, Math.min(prompts.size(), i + batch)))));
        }
        int t = templates.size();
        float[][] w = new float[labels.size()][];
        for (int c = 0; c < labels.size(); c++) {
            float[] mean = null;
            for (int k = 0; k < t; k++) {
                float[] e = Vectors.normalized(emb.get(c * t + k));
                if (mean == null) {
                    mean = new float[e.length];
                }
                for (int d = 0; d < e.length; d++) {
                    mean[d] += e[d];
                }
            }
            for (int d = 0; d < mean.length; d++) {
                mean[d] /= t;
            }
            w[c] = Vectors.normalized(mean);
        }
        return new ZeroShotClassifier(labels, w);
    }

    /** A classifier from precomputed unit class embeddings [C][D]. */
    public static ZeroShotClassifier of(List<String> labels, float[][] classEmbeddings) {
        if (labels.size() != classEmbeddings.length) {
            throw new IllegalArgumentException(labels.size() + " labels but " + classEmbeddings.length + " embeddings");
        }
        return new ZeroShotClassifier(labels, classEmbeddings);
    }

    /**
     * The classifier with the mean of its class embeddings subtracted from each (then re-normalized).
     * A class embedding close to the centre of the label set is near every image ("hubness": one
     * class takes most predictions); centering uses only the label set's own texts, never the test
     * images, so the classifier stays zero-shot. Needs at least two classes.
     */
    public ZeroShotClassifier centered() {
        int c = classEmbeddings.length, d = classEmbeddings[0].length;
        if (c < 2) {
            throw new IllegalArgumentException("centering needs at least two classes");
        }
        float[] mean = new float[d];
        for (float[] e : classEmbeddings) {
            for (int i = 0; i < d; i++) {
                mean[i] += e[i] / c;
            }
        }
        float[][] w = new float[c][d];
        for (int j = 0; j < c; j++) {
            for (int i = 0; i < d; i++) {
                w[j][i] = classEmbeddings[j][i] - mean[i];
            }
            w[j] = Vectors.normalized(w[j]);
        }
        return new ZeroShotClassifier(labels, w);
    }

    public List<String> labels() {
        return labels;
    }

    /** The class embeddings as the reference lays them out: F32 [D, C]. */
    public HostTensor weights() {
        int c = classEmbeddings.length, d = classEmbeddings[0].length;
        float[] v = new float[d * c];
        for (int j = 0; j < c; j++) {
            for (int i = 0; i < d; i++) {
                v[i * c + j] = classEmbeddings[j][i];
            }
        }
        return HostTensor.ofFloats(v, d, c);
    }

    public float[][] classEmbeddings() {
        float[][] out = new float[classEmbeddings.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = classEmbeddings[i].clone();
        }
        return out;
    }

    /** scale · normalized(image) · class embeddings, for each image row. */
    public float[][] logits(float[][] imageFeatures, double scale) {
        float[][] out = new float[imageFeatures.length][classEmbeddings.length];
        for (int i = 0; i < imageFeatures.length; i++) {
            float[] n = Vectors.normalized(imageFeatures[i]);
            for (int c = 0; c < classEmbeddings.length; c++) {
                out[i][c] = (float) (scale * Vectors.dot(n, classEmbeddings[c]));
            }
        }
        return out;
    }

    /** The k best classes of one image, with softmax probabilities over all classes. */
    public List<Prediction> topK(float[] imageFeature, int k, double scale) {
        float[] logits = logits(new float[][]{imageFeature}, scale)[0];
        float[] p = Vectors.softmax(logits);
        List<Prediction> all = new ArrayList<>();
        for (int c = 0; c < logits.length; c++) {
            all.add(new Prediction(c, labels.get(c), logits[c], p[c]));
        }
        all.sort(Comparator.comparingDouble((Prediction x) -> -x.logit()).thenComparingInt(Prediction::index));
        return all.subList(0, Math.min(k, all.size()));
    }
}
