package dev.jclip.eval;

import dev.jclip.Clip;
import dev.jclip.model.ClipModel;
import dev.jclip.zeroshot.Templates;
import dev.jclip.zeroshot.ZeroShotClassifier;

import java.util.LinkedHashMap;
import java.util.Map;

/** Zero-shot top-1/top-5 of a model on a labelled set, with a classifier built from class names and templates. */
public final class ZeroShotEval {
    private ZeroShotEval() {
    }

    /** Image features of the whole set and the zero-shot logits (scale 100 as the reference). */
    public static float[][] logits(ClipModel model, LabelledImages data, Templates templates) {
        Clip clip = Clip.of(model).batchSizes(256, 256);
        ZeroShotClassifier zs = clip.zeroShot(data.classNames(), templates);
        return zs.logits(clip.encodePixels(data.pixels()), 100);
    }

    /**
     * top1 and top5 accuracy, and mean per-class recall: on an unbalanced set (one class with half
     * the photos) top-1 mostly measures that class, so a model selected on it may only have learnt
     * to predict it; the mean recall weighs every class alike.
     */
    public static Map<String, Object> accuracy(ClipModel model, LabelledImages data, Templates templates) {
        return scores(logits(model, data, templates), data.labels(), data.classNames().size());
    }

    /** The metrics of {@link #accuracy} from logits [N][classes] and the true labels. */
    public static Map<String, Object> scores(float[][] logits, int[] labels, int classes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zeroshot_top1", topK(logits, labels, 1));
        m.put("zeroshot_top5", topK(logits, labels, Math.min(5, classes)));
        m.put("zeroshot_mean_recall", logits.length == 0 ? Double.NaN
                : ClassificationMetrics.of(logits, labels, classes).meanPerClassRecall());
        return m;
    }

    /** Fraction of rows whose true class is among the k highest (ties broken by lower class index). */
    public static double topK(float[][] logits, int[] labels, int k) {
        int hit = 0;
        for (int i = 0; i < logits.length; i++) {
            float t = logits[i][labels[i]];
            int rank = 0;
            for (int c = 0; c < logits[i].length; c++) {
                if (logits[i][c] > t || (logits[i][c] == t && c < labels[i])) {
                    rank++;
                }
            }
            if (rank < k) {
                hit++;
            }
        }
        return (double) hit / logits.length;
    }
}
