package dev.jclip.train;

import org.bytedeco.pytorch.Tensor;

/**
 * The contrastive loss over a step's image and text features. Implementations back-propagate
 * into the features they are given (and the logit scale) and return the loss; a distributed
 * implementation gathers the features of all ranks first.
 */
@FunctionalInterface
public interface FeatureLoss {
    /**
     * @param image      this process's image features [n, D] (part of an autograd graph)
     * @param text       the matching text features [n, D]
     * @param logitScale the model's log inverse temperature
     * @return the loss value
     */
    double backward(Tensor image, Tensor text, Tensor logitScale);

    /** The single-process loss: the symmetric cross-entropy of the batch. */
    FeatureLoss LOCAL = (image, text, scale) -> {
        Tensor loss = ContrastiveLoss.compute(image, text, scale);
        loss.backward();
        return loss.item_double();
    };
}
