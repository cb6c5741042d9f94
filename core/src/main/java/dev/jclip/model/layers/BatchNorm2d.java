package dev.jclip.model.layers;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch normalization with PyTorch's parameter and buffer names. In training mode it normalizes
 * with batch statistics and updates the running ones (momentum 0.1); in eval mode it uses the
 * running statistics. {@link #freezeStatistics(boolean)} lets a recomputation (gradient
 * checkpointing) run in training mode without updating the statistics a second time.
 */
public final class BatchNorm2d extends Module {
    public final Tensor weight;
    public final Tensor bias;
    public final Tensor runningMean;
    public final Tensor runningVar;
    public final Tensor numBatchesTracked;
    private boolean frozen;

    public BatchNorm2d(long channels) {
        weight = Params.parameter(this, "weight", torch.ones(channels));
        bias = Params.parameter(this, "bias", torch.zeros(channels));
        runningMean = Params.buffer(this, "running_mean", torch.zeros(channels));
        runningVar = Params.buffer(this, "running_var", torch.ones(channels));
        numBatchesTracked = Params.buffer(this, "num_batches_tracked",
                torch.zeros(new long[0], new TensorOptions(torch.ScalarType.Long)));
    }

    /** When true, training-mode forwards leave the running statistics untouched. */
    public void freezeStatistics(boolean frozen) {
        this.frozen = frozen;
    }

    public Tensor forward(Tensor x) {
        boolean training = is_training();
        if (training && !frozen) {
            try (NoGradGuard ng = new NoGradGuard()) {
                numBatchesTracked.add_(new Scalar(1));
            }
        }
        // momentum 0 keeps running = running: the statistics stay as they were
        double momentum = training && frozen ? 0.0 : 0.1;
        return torch.batch_norm(x, new TensorOptional(weight), new TensorOptional(bias),
                new TensorOptional(runningMean), new TensorOptional(runningVar), training, momentum, 1e-5, false);
    }
}
