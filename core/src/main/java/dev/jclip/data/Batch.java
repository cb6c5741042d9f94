package dev.jclip.data;

import dev.jclip.tensor.HostTensor;

import java.util.List;

/**
 * A batch of training pairs: normalized pixels [B, 3, R, R], one caption per image, and the class
 * index of each image where the source has one (else -1).
 */
public record Batch(HostTensor pixels, List<String> captions, int[] labels) {
    public Batch {
        captions = List.copyOf(captions);
        if (pixels.shape()[0] != captions.size()) {
            throw new IllegalArgumentException(pixels.shape()[0] + " images but " + captions.size() + " captions");
        }
    }

    public int size() {
        return captions.size();
    }
}
