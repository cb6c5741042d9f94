package dev.jclip.train;

import dev.jclip.tensor.Scopes;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One encoder of a CLIP model seen as stem → blocks → head, which is what gradient
 * checkpointing and open_clip-style accumulation need: run it without a graph keeping only
 * each block's input, then recompute block by block from the top while back-propagating a
 * given gradient of the features.
 */
public abstract class Tower {

    /** The input embedding (patches, tokens or the ResNet stem). */
    protected abstract Tensor stem();

    /** The residual blocks, in order. */
    protected abstract List<UnaryOperator<Tensor>> blocks();

    /** Pooling and projection to the embedding. */
    protected abstract Tensor head(Tensor x);

    /** Called around recomputations (BatchNorm statistics must not be updated twice). */
    protected void recomputing(boolean on) {
    }

    /** The features with a full autograd graph. */
    public Tensor forward() {
        Tensor x = Scopes.keep(this::stem);
        for (UnaryOperator<Tensor> b : blocks()) {
            Tensor in = x;
            x = Scopes.keep(() -> b.apply(in));
        }
        return head(x);
    }

    /** The features without a graph; each block's input (and the last output) are kept in {@code saved}. */
    public Tensor forwardSaving(List<Tensor> saved) {
        try (NoGradGuard ng = new NoGradGuard()) {
            Tensor x = Scopes.keep(this::stem);
            saved.add(x);
            for (UnaryOperator<Tensor> b : blocks()) {
                Tensor in = x;
                x = Scopes.keep(() -> b.apply(in));
                saved.add(x);
            }
            return head(x);
        }
    }

    /** The features without any graph or saved activations. */
    public Tensor forwardNoGrad() {
        try (NoGradGuard ng = new NoGradGuard()) {
            return forward();
        }
    }

    /**
     * Back-propagates {@code featureGrad} into the tower's parameters by recomputing, from the top
     * down, one block at a time from the inputs saved by {@link #forwardSaving}.
     */
    public void backwardCheckpointed(List<Tensor> saved, Tensor featureGrad) {
        List<UnaryOperator<Tensor>> blocks = blocks();
        recomputing(true);
        try {
            Tensor g = Scopes.keep(() -> {
                Tensor top = leaf(saved.get(blocks.size()));
                backward(head(top), featureGrad);
                return new Tensor(top.grad()); // grad() is a reference into the leaf, which this scope frees
            });
            for (int i = blocks.size() - 1; i >= 0; i--) {
                UnaryOperator<Tensor> block = blocks.get(i);
                Tensor in0 = saved.get(i), upstream = g;
                // only this block's graph lives at a time: that is the memory saving
                g = Scopes.keep(() -> {
                    Tensor in = leaf(in0);
                    backward(block.apply(in), upstream);
                    return new Tensor(in.grad());
                });
            }
            Tensor upstream = g;
            Scopes.run(() -> backward(stem(), upstream));
        } finally {
            recomputing(false);
        }
    }

    /** Back-propagates {@code featureGrad} through a fresh full-graph forward (no checkpointing). */
    public void backwardRecomputed(Tensor featureGrad, boolean checkpointing) {
        if (checkpointing) {
            List<Tensor> saved = new ArrayList<>();
            forwardSaving(saved);
            backwardCheckpointed(saved, featureGrad);
        } else {
            backward(forward(), featureGrad);
        }
    }

    private static Tensor leaf(Tensor t) {
        return t.detach().requires_grad_(true);
    }

    static void backward(Tensor out, Tensor grad) {
        if (out.requires_grad()) {
            // under bf16 autocast the output is bf16 while the upstream gradient is float32
            Tensor g = out.scalar_type().value == grad.scalar_type().value ? grad : grad.to(out.scalar_type());
            out.backward(g, new BoolOptional(), false, new TensorArrayRefOptional());
        }
    }
}
