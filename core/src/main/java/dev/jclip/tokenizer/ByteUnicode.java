package dev.jclip.tokenizer;

/**
 * The reference tokenizer's reversible map between bytes and printable characters: printable
 * Latin-1 bytes map to themselves, the others to code points from U+0100 upwards, so that BPE
 * can work on strings without whitespace or control characters.
 */
final class ByteUnicode {
    static final char[] BYTE_TO_CHAR = new char[256];
    static final int[] CHAR_TO_BYTE = new int[512];

    static {
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            printable[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable[b] = true;
        }
        int n = 0;
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            char c = printable[b] ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteUnicode() {
    }

    /** The base vocabulary order: printable bytes first, then the rest (as the reference dict order). */
    static char[] vocabularyOrder() {
        char[] out = new char[256];
        int k = 0;
        for (int b = 0; b < 256; b++) {
            if (BYTE_TO_CHAR[b] == b) {
                out[k++] = (char) b;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (BYTE_TO_CHAR[b] != b) {
                out[k++] = BYTE_TO_CHAR[b];
            }
        }
        return out;
    }
}
