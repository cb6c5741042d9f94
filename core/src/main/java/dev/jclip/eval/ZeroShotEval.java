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

    /** top1 and top5 accuracy. */
    public static Map<String, Object> accuracy(ClipModel model, LabelledImages data, Templates templates) {
        float[][] logits = logits(model, data, templates);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zeroshot_top1", topK(logits, data.labels(), 1));
        m.put("zeroshot_top5", topK(logits, data.labels(), Math.min(5, data.classNames().size())));
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
