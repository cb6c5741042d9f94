package dev.jclip.data;

import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.DecodedImage;
import dev.jclip.image.ImageDecoder;
import dev.jclip.image.RandomResizedCrop;

/** The image side of training and evaluation samples: decode, then augment or preprocess. */
public final class ImageTransforms {
    private ImageTransforms() {
    }

    public static DecodedImage decode(ImageData d) throws Exception {
        if (d instanceof ImageData.Gray8 g) {
            return DecodedImage.gray(g.name(), g.width(), g.height(), g.pixels());
        }
        ImageData.Encoded e = (ImageData.Encoded) d;
        return ImageDecoder.decode(e.bytes(), e.name());
    }

    /** open_clip's training transform: RandomResizedCrop(size, 0.9–1.0, bicubic), RGB, normalize. */
    public static SampleTransform train(int size) {
        RandomResizedCrop rrc = RandomResizedCrop.openClip(size);
        return (img, rng) -> rrc.apply(decode(img), rng);
    }

    /** The reference evaluation transform (resize, center crop, RGB, normalize); deterministic. */
    public static SampleTransform eval(int size) {
        ClipPreprocessor pre = ClipPreprocessor.of(size);
        return (img, rng) -> pre.preprocess(decode(img));
    }
}
