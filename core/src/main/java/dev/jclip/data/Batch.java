package dev.jclip.data;

import dev.jclip.tensor.HostTensor;

import java.util.List;

/**
 * A batch of training pairs: normalized pixels [B, 3, R, R], one caption per image, the class
 * index of each image where the source has one (else -1), and {@code position}: how many samples
 * of the epoch (skipped ones included) were consumed up to and including this batch, which is
 * where a resumed run continues.
 */
public record Batch(HostTensor pixels, List<String> captions, int[] labels, long position) {
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
