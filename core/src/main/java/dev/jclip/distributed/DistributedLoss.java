package dev.jclip.distributed;

import dev.jclip.model.ClipModel;
import dev.jclip.train.ContrastiveLoss;
import dev.jclip.train.FeatureLoss;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.Locale;

/**
 * The contrastive loss over the global batch of a data-parallel run, in open_clip's two modes:
 * <ul>
 * <li>{@link Mode#GATHER_WITH_GRAD}: every rank computes the full N×N logits of all gathered
 * features; the gradient reaches each feature's owning rank;</li>
 * <li>{@link Mode#LOCAL_LOSS}: each rank computes only its n rows against all N columns in both
 * directions (memory linear in N); the mean over ranks equals the global loss.</li>
 * </ul>
 * Without a custom autograd function the gather's backward is done by hand: the gathered
 * matrices are leaves, the gradient of this rank's loss with respect to them is summed across
 * ranks, and this rank's rows of that sum are back-propagated through its live features.
 * Combined with averaging parameter gradients across ranks ({@link GradientSync}), this gives
 * exactly the gradient of the global loss.
 */
public final class DistributedLoss implements FeatureLoss {
    public enum Mode {
        GATHER_WITH_GRAD, LOCAL_LOSS;

        public static Mode parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "gather-with-grad", "global" -> GATHER_WITH_GRAD;
                case "local-loss", "local" -> LOCAL_LOSS;
                default -> throw new IllegalArgumentException("unknown loss mode '" + s + "' (gather-with-grad, local-loss)");
            };
        }
    }

    private final ProcessGroup group;
    private final Mode mode;

    public DistributedLoss(ProcessGroup group, Mode mode) {
        this.group = group;
        this.mode = mode;
    }

    @Override
    public double backward(Tensor image, Tensor text, Tensor logitScale) {
        long n = image.size(0);
        int rank = group.rank(), world = group.worldSize();
        Tensor allImg, allTxt;
        try (NoGradGuard ng = new NoGradGuard()) {
            allImg = group.allGather(image.detach());
            allTxt = group.allGather(text.detach());
        }
        allImg = allImg.requires_grad_(true);
        allTxt = allTxt.requires_grad_(true);
        Tensor loss;
        if (mode == Mode.GATHER_WITH_GRAD) {
            loss = ContrastiveLoss.compute(allImg, allTxt, logitScale);
        } else {
            Tensor i = ClipModel.l2normalize(allImg), t = ClipModel.l2normalize(allTxt);
            Tensor scale = logitScale.exp();
            Tensor myI = i.narrow(0, rank * n, n), myT = t.narrow(0, rank * n, n);
            Tensor labels = torch.arange(new Scalar(rank * n), new Scalar(rank * n + n), new TensorOptions(torch.ScalarType.Long));
            Tensor a = torch.cross_entropy(myI.matmul(t.t()).mul(scale), labels);
            Tensor b = torch.cross_entropy(myT.matmul(i.t()).mul(scale), labels);
            loss = a.add(b).div(new Scalar(2.0));
        }
        loss.backward();
        Tensor gI = allImg.grad(), gT = allTxt.grad();
        group.allReduceSum(List.of(gI, gT));
        Tensor myGI = gI.narrow(0, rank * n, n), myGT = gT.narrow(0, rank * n, n);
        torch.backward(new TensorVector(image, text), new TensorVector(myGI, myGT), new BoolOptional(), false,
                new TensorVector());
        // the value reported is the global loss: identical on every rank with gather-with-grad,
        // the mean of the per-rank losses with local-loss
        double value = loss.item_double();
        if (mode == Mode.LOCAL_LOSS && world > 1) {
            Tensor v = torch.full(new long[]{1}, new Scalar(value));
            group.allReduceSum(List.of(v));
            value = v.item_double() / world;
        }
        return value;
    }
}
