package dev.jclip.train;

import dev.jclip.model.ClipModel;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Computes the gradients of one global batch of the contrastive loss, optionally as k
 * micro-batches (open_clip's accumulation: encode every micro-batch without a graph, take the
 * loss over all cached features, then re-encode each micro-batch with a graph and back-propagate
 * its share of the feature gradient) and optionally with gradient checkpointing of the blocks.
 * Either way the result is the gradient of the loss over the whole batch. With BatchNorm in
 * training mode each micro-batch is normalized with its own statistics, as in open_clip.
 */
public final class StepRunner {
    /** How the step is computed. */
    public record Options(int microBatches, boolean checkpointing, Precision precision) {
        public static Options plain() {
            return new Options(1, false, Precision.FP32);
        }
    }

    private final ClipModel model;
    private final Options options;

    public StepRunner(ClipModel model, Options options) {
        this.model = model;
        this.options = options;
    }

    /** Whether any parameter of the image (or text) side is trainable; a locked tower runs without a graph. */
    private boolean anyTrainable(boolean visual) {
        for (String name : model.namedParameters(true).keySet()) {
            if (name.startsWith("visual.") == visual) {
                return true;
            }
        }
        return false;
    }

    /**
     * Accumulates into the parameters' {@code .grad} the gradient of the loss of the batch and
     * returns the loss (a float).
     *
     * @param pixels    normalized images [B, 3, R, R]
     * @param tokenRows B rows of token ids
     */
    public double run(Tensor pixels, List<long[]> tokenRows) {
        int b = tokenRows.size();
        int k = Math.max(1, Math.min(options.microBatches(), b));
        boolean imageTrainable = anyTrainable(true);
        boolean textTrainable = anyTrainable(false);
        if (k == 1 && !options.checkpointing()) {
            TextBatch tb = TextBatch.of(tokenRows);
            Tensor img, txt;
            try (Precision.Scope s = options.precision().enter()) {
                Tower it = Towers.image(model, pixels);
                img = imageTrainable ? it.forward() : it.forwardNoGrad();
                Tower tt = Towers.text(model, tb.unique());
                txt = (textTrainable ? tt.forward() : tt.forwardNoGrad());
            }
            txt = torch.index_select(txt.to(torch.ScalarType.Float), 0, tb.inverse());
            Tensor loss = ContrastiveLoss.compute(img.to(torch.ScalarType.Float), txt, model.logitScale);
            loss.backward();
            return loss.item_double();
        }
        // phase 1: features of every micro-batch without a graph
        int[] bounds = new int[k + 1];
        for (int j = 0; j <= k; j++) {
            bounds[j] = (int) ((long) b * j / k);
        }
        List<Tower> imageTowers = new ArrayList<>(), textTowers = new ArrayList<>();
        List<TextBatch> textBatches = new ArrayList<>();
        List<Tensor> imageLeaves = new ArrayList<>(), textLeaves = new ArrayList<>();
        List<List<Tensor>> imageSaved = new ArrayList<>(), textSaved = new ArrayList<>();
        boolean saveNow = k == 1; // with one micro-batch the saving pass is the only forward
        try (Precision.Scope s = options.precision().enter()) {
            for (int j = 0; j < k; j++) {
                Tower it = Towers.image(model, pixels.narrow(0, bounds[j], bounds[j + 1] - bounds[j]));
                TextBatch tb = TextBatch.slice(tokenRows, bounds[j], bounds[j + 1]);
                Tower tt = Towers.text(model, tb.unique());
                List<Tensor> is = new ArrayList<>(), ts = new ArrayList<>();
                imageLeaves.add(leaf(saveNow ? it.forwardSaving(is) : it.forwardNoGrad()));
                textLeaves.add(leaf(saveNow ? tt.forwardSaving(ts) : tt.forwardNoGrad()));
                imageTowers.add(it);
                textTowers.add(tt);
                textBatches.add(tb);
                imageSaved.add(is);
                textSaved.add(ts);
            }
        }
        // phase 2: the loss over all cached features, gradients w.r.t. the features
        TensorVector imgs = new TensorVector(), txts = new TensorVector();
        for (int j = 0; j < k; j++) {
            imgs.push_back(imageLeaves.get(j));
            txts.push_back(torch.index_select(textLeaves.get(j), 0, textBatches.get(j).inverse()));
        }
        Tensor loss = ContrastiveLoss.compute(torch.cat(imgs, 0), torch.cat(txts, 0), model.logitScale);
        loss.backward();
        // phase 3: re-encode each micro-batch with a graph and back-propagate its feature gradient
        for (int j = 0; j < k; j++) {
            try (Precision.Scope s = options.precision().enter()) {
                if (imageTrainable) {
                    backward(imageTowers.get(j), imageSaved.get(j), imageLeaves.get(j).grad());
                }
                if (textTrainable) {
                    backward(textTowers.get(j), textSaved.get(j), textLeaves.get(j).grad());
                }
            }
        }
        return loss.item_double();
    }

    private void backward(Tower t, List<Tensor> saved, Tensor grad) {
        if (!saved.isEmpty()) {
            t.backwardCheckpointed(saved, grad);
        } else {
            t.backwardRecomputed(grad, options.checkpointing());
        }
    }

    private static Tensor leaf(Tensor features) {
        try (NoGradGuard ng = new NoGradGuard()) {
            return features.to(torch.ScalarType.Float).detach().requires_grad_(true);
        }
    }
}
