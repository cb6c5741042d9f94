package dev.jclip.zeroshot;

/** One class of a ranking: its index, label, logit and softmax probability. */
public record Prediction(int index, String label, float logit, float probability) {
}
