package dev.jclip.data;

import java.util.SplittableRandom;

/**
 * Decodes and preprocesses one image into normalized CHW floats. Called on worker threads; the
 * random generator (for augmentation) is derived from the sample's position, so results do not
 * depend on thread scheduling.
 */
@FunctionalInterface
public interface SampleTransform {
    float[] apply(ImageData image, SplittableRandom random) throws Exception;
}
