package dev.jclip.eval;

import dev.jclip.report.Charts;
import dev.jclip.report.HtmlReport;
import dev.jclip.tensor.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image↔text retrieval on a captioned set: recall@1/5/10 in both directions (an image query is
 * answered when any of its captions is retrieved), mean and median rank.
 */
public final class RetrievalEvaluation {
    /**
     * @param skipped images that could not be read or decoded (left out with their captions)
     */
    public record Result(String data, int images, int captions, int skipped, RetrievalMetrics metrics) {
        /** The numbers as an ordered JSON-ready map. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("data", data);
            m.put("images", images);
            m.put("captions", captions);
            m.put("skipped", skipped);
            m.put("image_to_text", direction(metrics.imageToText()));
            m.put("text_to_image", direction(metrics.textToImage()));
            return m;
        }

        private static Map<String, Object> direction(RetrievalMetrics.Direction d) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int k : RetrievalMetrics.KS) {
                m.put("recall@" + k, d.recallAt(k));
            }
            m.put("mean_rank", d.meanRank());
            m.put("median_rank", d.medianRank());
            return m;
        }
    }

    private RetrievalEvaluation() {
    }

    /** Embeds the images and captions (through the cache) and scores retrieval by cosine similarity. */
    public static Result run(FeatureStore store, CaptionedImages set) throws Exception {
        Features img = store.images(set);
        if (img.size() == 0) {
            throw new IllegalArgumentException("no readable images in " + set.description());
        }
        CaptionedImages kept = set.select(img.positions());
        List<String> captions = kept.allCaptions();
        float[][] txt = store.texts(captions, "captions");
        float[][] sim = cosine(img.vectors(), txt);
        return new Result(set.description(), kept.images().size(), captions.size(), img.skipped().size(),
                RetrievalMetrics.of(sim, kept.imageOfCaption()));
    }

    /** Cosine similarity [A][B] computed by libtorch (one matmul instead of A·B Java dot products). */
    static float[][] cosine(float[][] a, float[][] b) {
        int d = a[0].length;
        try (PointerScope scope = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensor ta = unit(Torch.floats(flatten(a, d), a.length, d));
            Tensor tb = unit(Torch.floats(flatten(b, d), b.length, d));
            float[] s = Torch.toFloatArray(ta.matmul(tb.t()));
            float[][] out = new float[a.length][];
            for (int i = 0; i < a.length; i++) {
                out[i] = java.util.Arrays.copyOfRange(s, i * b.length, (i + 1) * b.length);
            }
            return out;
        }
    }

    private static Tensor unit(Tensor t) {
        // Zero rows stay zero rather than becoming NaN, as Vectors.normalized does.
        return t.div(t.norm(new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(2.0)),
                new long[]{1}, true).clamp_min(new org.bytedeco.pytorch.Scalar(1e-12)));
    }

    private static float[] flatten(float[][] x, int d) {
        float[] out = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, out, i * d, d);
        }
        return out;
    }

    /** Writes results.json, recall.png and report.html into {@code dir}. */
    public static Path write(Result r, Map<String, ?> about, Path dir) throws Exception {
        EvalReports.writeJson(dir, EvalReports.document("retrieval", about, r.toJson()));
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        bars.put("image → text", recalls(r.metrics().imageToText()));
        bars.put("text → image", recalls(r.metrics().textToImage()));
        Path png = dir.resolve("recall.png");
        Charts.groupedBarChart("Retrieval recall", "cut-off", "recall", bars, png, 760, 420);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("data", r.data());
        summary.put("images", r.images());
        summary.put("captions", r.captions());
        summary.put("skipped images (unreadable)", r.skipped());
        List<List<?>> rows = List.of(row("image → text", r.metrics().imageToText()), row("text → image", r.metrics().textToImage()));
        HtmlReport page = EvalReports.page("Retrieval evaluation", about).heading("Results").keyValueTable(summary)
                .table(List.of("direction", "R@1", "R@5", "R@10", "mean rank", "median rank"), rows)
                .image("Recall at 1, 5 and 10", png)
                .paragraph("An image query counts as answered at rank r when the best-ranked of its own captions is "
                        + "r-th; each caption queries for its one image. Ranks are 1-based; equal scores are ordered "
                        + "by index.");
        return EvalReports.writeHtml(dir, page);
    }

    private static Map<String, Double> recalls(RetrievalMetrics.Direction d) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k : RetrievalMetrics.KS) {
            m.put("R@" + k, d.recallAt(k));
        }
        return m;
    }

    private static List<?> row(String name, RetrievalMetrics.Direction d) {
        return List.of(name, EvalReports.pct(d.recallAt(1)), EvalReports.pct(d.recallAt(5)), EvalReports.pct(d.recallAt(10)),
                d.meanRank(), d.medianRank());
    }
}
