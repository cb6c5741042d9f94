package dev.jclip.train;

import dev.jclip.model.ClipModel;
import dev.jclip.model.ModifiedResNet;
import dev.jclip.runtime.Autocast;
import dev.jclip.runtime.BatchSplit;
import dev.jclip.runtime.Precision;
import org.bytedeco.javacpp.PointerScope;
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
    /**
     * How the step is computed. The precision is resolved for training here: AUTO becomes what
     * this machine trains fastest in, and INT8, which has no gradient, is refused.
     */
    public record Options(int microBatches, boolean checkpointing, Precision precision) {
        public Options {
            precision = precision.forTraining();
        }

        public static Options plain() {
            return new Options(1, false, Precision.FP32);
        }
    }

    private final ClipModel model;
    private final Options options;
    private final FeatureLoss featureLoss;

    public StepRunner(ClipModel model, Options options) {
        this(model, options, FeatureLoss.LOCAL);
    }

    /** A runner whose loss is computed by {@code featureLoss} (e.g. across the ranks of a process group). */
    public StepRunner(ClipModel model, Options options, FeatureLoss featureLoss) {
        this.model = model;
        this.options = options;
        this.featureLoss = featureLoss;
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
     * returns the loss.
     *
     * @param pixels    normalized images [B, 3, R, R]
     * @param tokenRows B rows of token ids
     */
    public double run(Tensor pixels, List<long[]> tokenRows) {
        int b = tokenRows.size();
        int k = Math.max(1, Math.min(options.microBatches(), b));
        int parts = parts(b);
        if (parts > 1) {
            return runInParts(pixels, tokenRows, parts);
        }
        return runOnCaller(pixels, tokenRows, k);
    }

    /**
     * In how many parts a step of {@code batch} pairs runs: one per compute thread for bf16 ViT
     * steps without accumulation or checkpointing ({@link BatchSplit#parts}, unless
     * {@code -Djclip.batchSplit=off}), else 1. A rule, not a timing as for inference: a run must
     * give the same losses when it is resumed, and whole and split steps round differently. Split
     * bf16 steps measured 1.03–1.08× faster on Zen 4 (docs/runtime.md). Never with a ResNet, whose
     * BatchNorm would update its running statistics from two threads at once, nor in fp32, whose
     * products with gradients run on OpenBLAS's one process-wide pool, which two parts fight over
     * (bench-compare's fp32 step took 1.55× as long split).
     */
    public int parts(int batch) {
        int k = Math.max(1, Math.min(options.microBatches(), batch));
        boolean splits = k == 1 && !options.checkpointing() && !(model.visual instanceof ModifiedResNet)
                && options.precision() == Precision.BF16;
        return splits ? BatchSplit.parts(batch) : 1;
    }

    /**
     * The batch as one part per compute thread, each encoded and back-propagated on its own thread
     * ({@link BatchSplit#onWorkers}) with its graph kept, the loss over all features in between:
     * the same gradient as the whole batch (autograd accumulates both parts' into each parameter
     * under its lock).
     */
    private double runInParts(Tensor pixels, List<long[]> tokenRows, int parts) {
        int b = tokenRows.size();
        boolean imageTrainable = anyTrainable(true);
        boolean textTrainable = anyTrainable(false);
        List<Tensor> partPixels = new ArrayList<>();
        List<TextBatch> textBatches = new ArrayList<>();
        for (int j = 0; j < parts; j++) {
            int from = (int) ((long) b * j / parts), to = (int) ((long) b * (j + 1) / parts);
            partPixels.add(pixels.narrow(0, from, to - from));
            textBatches.add(TextBatch.slice(tokenRows, from, to));
        }
        Precision precision = options.precision();
        // phase 1 on the workers: each part's features with its graph
        List<Tensor[]> out = BatchSplit.onWorkers(parts, j -> {
            try (PointerScope s = new PointerScope(); Autocast a = Autocast.enter(precision)) {
                Tensor img = encode(TrainableTowers.image(model, partPixels.get(j)), imageTrainable, false, null);
                Tensor txt = encode(TrainableTowers.text(model, textBatches.get(j).unique()), textTrainable, false, null);
                img.retainReference(); // outlive the worker's scope until phase 3 is done
                txt.retainReference();
                return new Tensor[]{img, txt};
            }
        }, StepRunner::release);
        try {
            // phase 2 here
            List<Tensor> imageLeaves = new ArrayList<>(), textLeaves = new ArrayList<>();
            double loss = lossToFeatures(out.stream().map(t -> t[0]).toList(), out.stream().map(t -> t[1]).toList(),
                    textBatches, imageLeaves, textLeaves);
            // phase 3 on the workers: each part's feature gradients into the towers
            BatchSplit.onWorkers(parts, j -> {
                try (PointerScope s = new PointerScope()) {
                    if (imageTrainable) {
                        Tower.backward(out.get(j)[0], imageLeaves.get(j).grad());
                    }
                    if (textTrainable) {
                        Tower.backward(out.get(j)[1], textLeaves.get(j).grad());
                    }
                }
                return null;
            }, x -> { });
            return loss;
        } finally {
            out.forEach(StepRunner::release);
        }
    }

    private static void release(Tensor[] ts) {
        for (Tensor t : ts) {
            t.releaseReference();
        }
    }

    private double runOnCaller(Tensor pixels, List<long[]> tokenRows, int k) {
        int b = tokenRows.size();
        boolean imageTrainable = anyTrainable(true);
        boolean textTrainable = anyTrainable(false);
        // one micro-batch without checkpointing keeps its graph; otherwise graphs are rebuilt in phase 3
        boolean live = k == 1 && !options.checkpointing();
        boolean saveNow = k == 1 && options.checkpointing(); // the saving pass is then the only forward
        int[] bounds = new int[k + 1];
        for (int j = 0; j <= k; j++) {
            bounds[j] = (int) ((long) b * j / k);
        }
        List<Tower> imageTowers = new ArrayList<>(), textTowers = new ArrayList<>();
        List<TextBatch> textBatches = new ArrayList<>();
        List<Tensor> imageOut = new ArrayList<>(), textOut = new ArrayList<>();
        List<List<Tensor>> imageSaved = new ArrayList<>(), textSaved = new ArrayList<>();
        // phase 1: the features of every micro-batch
        try (Autocast s = Autocast.enter(options.precision())) {
            for (int j = 0; j < k; j++) {
                Tower it = TrainableTowers.image(model, pixels.narrow(0, bounds[j], bounds[j + 1] - bounds[j]));
                TextBatch tb = TextBatch.slice(tokenRows, bounds[j], bounds[j + 1]);
                Tower tt = TrainableTowers.text(model, tb.unique());
                List<Tensor> is = new ArrayList<>(), ts = new ArrayList<>();
                imageOut.add(encode(it, live && imageTrainable, saveNow && imageTrainable, is));
                textOut.add(encode(tt, live && textTrainable, saveNow && textTrainable, ts));
                imageTowers.add(it);
                textTowers.add(tt);
                textBatches.add(tb);
                imageSaved.add(is);
                textSaved.add(ts);
            }
        }
        // phase 2
        List<Tensor> imageLeaves = new ArrayList<>(), textLeaves = new ArrayList<>();
        double loss = lossToFeatures(imageOut, textOut, textBatches, imageLeaves, textLeaves);
        // phase 3: the feature gradients into the towers
        for (int j = 0; j < k; j++) {
            if (imageTrainable) {
                backward(imageTowers.get(j), imageOut.get(j), live, imageSaved.get(j), imageLeaves.get(j).grad());
            }
            if (textTrainable) {
                backward(textTowers.get(j), textOut.get(j), live, textSaved.get(j), textLeaves.get(j).grad());
            }
        }
        return loss;
    }

    /**
     * Phase 2: the loss over every part's features, back-propagated to the features, which
     * become the leaves added to {@code imageLeaves} and {@code textLeaves} (texts deduplicated
     * per part, expanded back to the batch's rows for the loss).
     */
    private double lossToFeatures(List<Tensor> imageOut, List<Tensor> textOut, List<TextBatch> textBatches,
                                  List<Tensor> imageLeaves, List<Tensor> textLeaves) {
        TensorVector imgs = new TensorVector(), txts = new TensorVector();
        for (int j = 0; j < imageOut.size(); j++) {
            imageLeaves.add(leaf(imageOut.get(j)));
            textLeaves.add(leaf(textOut.get(j)));
            imgs.push_back(imageLeaves.get(j));
            txts.push_back(torch.index_select(textLeaves.get(j), 0, textBatches.get(j).inverse()));
        }
        return featureLoss.backward(torch.cat(imgs, 0), torch.cat(txts, 0), model.logitScale);
    }

    private static Tensor encode(Tower t, boolean withGraph, boolean saving, List<Tensor> saved) {
        if (withGraph) {
            return t.forward();
        }
        return saving ? t.forwardSaving(saved) : t.forwardNoGrad();
    }

    private void backward(Tower t, Tensor out, boolean live, List<Tensor> saved, Tensor grad) {
        if (live) {
            Tower.backward(out, grad);
        } else if (!saved.isEmpty()) {
            try (Autocast s = Autocast.enter(options.precision())) {
                t.backwardCheckpointed(saved, grad);
            }
        } else {
            try (Autocast s = Autocast.enter(options.precision())) {
                t.backwardRecomputed(grad, options.checkpointing());
            }
        }
    }

    private static Tensor leaf(Tensor features) {
        try (NoGradGuard ng = new NoGradGuard()) {
            return features.to(torch.ScalarType.Float).detach().requires_grad_(true);
        }
    }
}
