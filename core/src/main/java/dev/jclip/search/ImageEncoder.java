package dev.jclip.search;

import dev.jclip.Clip;
import dev.jclip.tensor.HostTensor;

/** The image side of a model as the indexer needs it: input resolution and a batch encoder. */
public interface ImageEncoder {
    /** Side of the square model input. */
    int resolution();

    /** Embeddings (any scale) of normalized pixels [N, 3, R, R]. */
    float[][] encode(HostTensor pixels);

    static ImageEncoder of(Clip clip) {
        return new ImageEncoder() {
            @Override
            public int resolution() {
                return clip.config().imageResolution();
            }

            @Override
            public float[][] encode(HostTensor pixels) {
                return clip.encodePixels(pixels);
            }
        };
    }
}
