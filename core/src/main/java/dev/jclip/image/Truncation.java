package dev.jclip.image;

/**
 * Finds PNG and JPEG files that end early. ImageIO's JPEG readers fill the missing part of a cut
 * JPEG with grey and return without an error, where PIL raises "image file is truncated"; so the
 * file's structure is checked before decoding: a PNG must run, chunk by chunk, to a whole IEND
 * chunk, and a JPEG, segment by segment and through its entropy-coded scans, to its end-of-image
 * marker. Bytes after the end (camera trailers) are allowed, as PIL allows them.
 *
 * <p>PIL accepts a PNG whose pixel data is complete but whose IEND chunk is cut off or missing;
 * jclip refuses it as truncated, because a file that stops before its end is not trustworthy.
 */
final class Truncation {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private Truncation() {
    }

    /** Why the file is truncated, or null when it is whole or not a PNG/JPEG (left to the decoder). */
    static String reason(byte[] b) {
        if (startsWith(b, PNG_SIGNATURE)) {
            return png(b);
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
            return jpeg(b);
        }
        return null;
    }

    private static String png(byte[] b) {
        long pos = PNG_SIGNATURE.length;
        while (true) {
            if (pos + 8 > b.length) {
                return "truncated: the PNG ends after " + b.length + " bytes, before its IEND chunk";
            }
            long len = u32(b, (int) pos);
            String type = new String(b, (int) pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long end = pos + 12 + len; // length, type, data, CRC
            if (end > b.length) {
                return "truncated: the PNG ends inside its " + printable(type) + " chunk (" + len + " data bytes declared at offset "
                        + pos + ", file has " + b.length + " bytes)";
            }
            if (type.equals("IEND")) {
                return null;
            }
            pos = end;
        }
    }

    private static String jpeg(byte[] b) {
        int i = 2;
        while (true) {
            // a marker: one or more 0xFF fill bytes, then the code
            if (i >= b.length) {
                return "truncated: the JPEG ends after " + b.length + " bytes, before its end-of-image marker";
            }
            if ((b[i] & 0xff) != 0xFF) {
                return null; // not a marker where one must be: malformed, left to the decoder's own error
            }
            while (i < b.length && (b[i] & 0xff) == 0xFF) {
                i++;
            }
            if (i >= b.length) {
                return "truncated: the JPEG ends after " + b.length + " bytes, before its end-of-image marker";
            }
            int marker = b[i++] & 0xff;
            if (marker == 0xD9) {
                return null; // EOI
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                continue; // no length field
            }
            if (i + 2 > b.length) {
                return "truncated: the JPEG ends inside a marker segment";
            }
            int len = ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            if (len < 2) {
                return null; // malformed
            }
            if ((long) i + len > b.length) {
                return String.format("truncated: the JPEG ends inside its 0xFF%02X segment (%d bytes declared at offset %d, file has %d bytes)",
                        marker, len, i - 2, b.length);
            }
            i += len;
            if (marker == 0xDA) {
                i = afterScan(b, i);
                if (i < 0) {
                    return "truncated: the JPEG ends inside its image data, with no end-of-image marker (file has "
                            + b.length + " bytes)";
                }
            }
        }
    }

    /** The position of the marker that ends the entropy-coded data starting at {@code i}, or -1 at end of file. */
    private static int afterScan(byte[] b, int i) {
        for (; i + 1 < b.length; i++) {
            if ((b[i] & 0xff) != 0xFF) {
                continue;
            }
            int next = b[i + 1] & 0xff;
            if (next == 0x00 || next == 0xFF || (next >= 0xD0 && next <= 0xD7)) {
                if (next != 0xFF) {
                    i++; // stuffed byte or restart marker: still in the scan
                }
                continue;
            }
            return i;
        }
        return -1;
    }

    private static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 'A' && c <= 'z') ? type : "(unnamed)";
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        if (a.length < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (a[k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
