package dev.jclip.image;

/** PIL image modes that CLIP's preprocessing distinguishes, with their channel counts. */
public enum ImageMode {
    /** 8-bit grayscale. */
    L(1),
    /** 8-bit grayscale with alpha. */
    LA(2),
    RGB(3),
    RGBA(4),
    /** 8-bit palette indices (the palette is kept beside the samples). */
    P(1),
    /** 8-bit inks, as PIL decodes CMYK JPEGs (Adobe inversion undone). */
    CMYK(4),
    /** 32-bit signed integer grayscale (PIL opens 16-bit grayscale PNGs so). */
    I(1);

    private final int channels;

    ImageMode(int channels) {
        this.channels = channels;
    }

    public int channels() {
        return channels;
    }
}
