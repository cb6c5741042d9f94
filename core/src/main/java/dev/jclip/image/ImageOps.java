package dev.jclip.image;

/** Mode-aware resize, crop and RGB conversion with PIL's arithmetic. */
final class ImageOps {
    private ImageOps() {
    }

    private static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    /** PIL's Image.resize(size, BICUBIC) in the image's own mode. */
    static DecodedImage resize(DecodedImage img, int ow, int oh) {
        int w = img.width(), h = img.height(), c = img.channels();
        if (w == ow && h == oh) {
            return img;
        }
        int[] s = img.samples();
        int[] out;
        switch (img.mode()) {
            case P -> out = Resample.nearest(s, w, h, 1, ow, oh);
            case I -> out = Resample.bicubic32(s, w, h, ow, oh);
            case RGBA, LA -> {
                // resized premultiplied (RGBa / La), then divided by alpha again
                int[] pre = s.clone();
                for (int p = 0; p < w * h; p++) {
                    int a = pre[p * c + c - 1];
                    for (int ch = 0; ch < c - 1; ch++) {
                        pre[p * c + ch] = mulDiv255(pre[p * c + ch], a);
                    }
                }
                out = Resample.bicubic8(pre, w, h, c, ow, oh);
                for (int p = 0; p < ow * oh; p++) {
                    int a = out[p * c + c - 1];
                    if (a != 255 && a != 0) {
                        for (int ch = 0; ch < c - 1; ch++) {
                            out[p * c + ch] = Math.min(255, (255 * out[p * c + ch]) / a);
                        }
                    }
                }
            }
            default -> out = Resample.bicubic8(s, w, h, c, ow, oh);
        }
        return new DecodedImage(img.name(), img.mode(), ow, oh, out, img.palette());
    }

    /** The region [left, top, cw, ch] (inside the image) in the same mode. */
    static DecodedImage crop(DecodedImage img, int left, int top, int cw, int chh) {
        int c = img.channels(), w = img.width();
        int[] out = new int[cw * chh * c];
        for (int y = 0; y < chh; y++) {
            System.arraycopy(img.samples(), ((top + y) * w + left) * c, out, y * cw * c, cw * c);
        }
        return new DecodedImage(img.name(), img.mode(), cw, chh, out, img.palette());
    }

    /**
     * For an RGB image and a crop inside it, the crop as CHW floats {@code lut[c][sample]} in one
     * pass (no uint8 plane between); null for any other image, which takes
     * {@link #cropToRgbChw} and a lookup after it, with the same result.
     */
    static float[] cropRgbToChw(DecodedImage img, int left, int top, int cw, int chh, float[][] lut) {
        int w = img.width();
        if (img.mode() != ImageMode.RGB || left < 0 || top < 0 || left + cw > w || top + chh > img.height()) {
            return null;
        }
        int[] s = img.samples();
        int plane = cw * chh;
        float[] out = new float[3 * plane];
        float[] r = lut[0], g = lut[1], b = lut[2];
        for (int y = 0; y < chh; y++) {
            int p = ((y + top) * w + left) * 3, o = y * cw;
            for (int x = 0; x < cw; x++, p += 3, o++) {
                out[o] = r[s[p] & 0xff];
                out[plane + o] = g[s[p + 1] & 0xff];
                out[2 * plane + o] = b[s[p + 2] & 0xff];
            }
        }
        return out;
    }

    /** Crops [left, top, cw, ch] and converts to RGB, as CHW uint8. */
    static byte[] cropToRgbChw(DecodedImage img, int left, int top, int cw, int chh) {
        int w = img.width(), c = img.channels();
        int[] s = img.samples();
        int plane = cw * chh;
        byte[] out = new byte[3 * plane];
        if (img.mode() == ImageMode.RGB && left >= 0 && top >= 0 && left + cw <= w && top + chh <= img.height()) {
            // the common case, without the per-pixel mode switch and bounds test
            for (int y = 0; y < chh; y++) {
                int p = ((y + top) * w + left) * 3, o = y * cw;
                for (int x = 0; x < cw; x++, p += 3, o++) {
                    out[o] = (byte) s[p];
                    out[plane + o] = (byte) s[p + 1];
                    out[2 * plane + o] = (byte) s[p + 2];
                }
            }
            return out;
        }
        for (int y = 0; y < chh; y++) {
            int sy = y + top;
            for (int x = 0; x < cw; x++) {
                int sx = x + left;
                int r, g, b;
                if (sx < 0 || sy < 0 || sx >= w || sy >= img.height()) {
                    r = g = b = 0; // PIL pads crops outside the image with black
                } else {
                    int p = (sy * w + sx) * c;
                    switch (img.mode()) {
                        case L, LA -> r = g = b = s[p];
                        case I -> r = g = b = Math.max(0, Math.min(255, s[p]));
                        case RGB, RGBA -> {
                            r = s[p];
                            g = s[p + 1];
                            b = s[p + 2];
                        }
                        case P -> {
                            int i = s[p] * 3;
                            int[] pal = img.palette();
                            if (i + 2 < pal.length) {
                                r = pal[i];
                                g = pal[i + 1];
                                b = pal[i + 2];
                            } else {
                                r = g = b = 0;
                            }
                        }
                        case CMYK -> {
                            int nk = 255 - s[p + 3];
                            r = clip8(nk - mulDiv255(s[p], nk));
                            g = clip8(nk - mulDiv255(s[p + 1], nk));
                            b = clip8(nk - mulDiv255(s[p + 2], nk));
                        }
                        default -> throw new IllegalStateException(img.mode().toString());
                    }
                }
                int o = y * cw + x;
                out[o] = (byte) r;
                out[plane + o] = (byte) g;
                out[2 * plane + o] = (byte) b;
            }
        }
        return out;
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
