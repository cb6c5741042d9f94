package dev.jclip.data;

/**
 * One example: an image with a caption and/or a class index.
 *
 * @param caption the caption, or null when the source only has labels
 * @param label   the class index, or -1
 */
public record Sample(String key, ImageData image, String caption, int label) {
    public Sample withCaption(String c) {
        return new Sample(key, image, c, label);
    }
}
