package dev.jclip.train;

import dev.jclip.model.ClipModel;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * CLIP's symmetric cross-entropy: logits = exp(t) · normalized images · normalized textsᵀ,
 * the matching pair of each row and column is the target, and the two directions are averaged.
 */
public final class ContrastiveLoss {
    private ContrastiveLoss() {
    }

    /** Loss of a batch of N aligned image and text features [N, D] (unnormalized). */
    public static Tensor compute(Tensor imageFeatures, Tensor textFeatures, Tensor logitScale) {
        Tensor img = ClipModel.l2normalize(imageFeatures);
        Tensor txt = ClipModel.l2normalize(textFeatures);
        Tensor logits = img.matmul(txt.t()).mul(logitScale.exp());
        return symmetric(logits, 0);
    }

    /**
     * The symmetric loss of logits rows × columns where row i's target is column {@code offset + i}
     * (offset is non-zero when rows are one rank's share of a global batch).
     */
    public static Tensor symmetric(Tensor logitsPerImage, long offset) {
        long n = logitsPerImage.size(0);
        Tensor labels = torch.arange(new Scalar(offset), new Scalar(offset + n), new TensorOptions(torch.ScalarType.Long));
        if (offset == 0 && logitsPerImage.size(1) == n) {
            Tensor a = torch.cross_entropy(logitsPerImage, labels);
            Tensor b = torch.cross_entropy(logitsPerImage.t(), labels);
            return a.add(b).div(new Scalar(2.0));
        }
        throw new IllegalArgumentException("local-loss logits need the distributed variant");
    }
}
