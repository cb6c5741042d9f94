package dev.jclip.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * PIL decodes JPEG pixels without applying an embedded ICC profile, while the ImageIO plugin
 * converts them to sRGB; removing the APP2 ICC_PROFILE segments makes the plugin decode as PIL
 * does (measured on a photo with a profile: mean difference 5.5 → 0 levels).
 */
final class JpegMarkers {
    private static final byte[] ICC = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);

    private JpegMarkers() {
    }

    static byte[] withoutIccProfile(byte[] jpeg) {
        ByteArrayOutputStream out = null;
        int i = 2, copied = 0;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xff) == 0xFF) {
            int marker = jpeg[i + 1] & 0xff;
            if (marker == 0xDA || marker == 0xD9) {
                break; // start of scan: no more header segments
            }
            if (marker == 0xFF) {
                i++;
                continue;
            }
            int len = ((jpeg[i + 2] & 0xff) << 8) | (jpeg[i + 3] & 0xff);
            if (len < 2 || i + 2 + len > jpeg.length) {
                break; // malformed: leave the file to the decoder's own error
            }
            if (marker == 0xE2 && len >= 2 + ICC.length && startsWith(jpeg, i + 4, ICC)) {
                if (out == null) {
                    out = new ByteArrayOutputStream(jpeg.length);
                }
                out.write(jpeg, copied, i - copied);
                copied = i + 2 + len;
            }
            i += 2 + len;
        }
        if (out == null) {
            return jpeg;
        }
        out.write(jpeg, copied, jpeg.length - copied);
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] a, int off, byte[] prefix) {
        for (int k = 0; k < prefix.length; k++) {
            if (a[off + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
