package dev.jclip.search;

import java.util.Locale;

/**
 * How the index stores vectors for the HNSW graph. Lucene's scalar quantization keeps the float32
 * vectors too (for exact search and re-scoring) and adds a quantized copy that the graph is built
 * and searched on: 7 bits per dimension (a signed byte with one bit of headroom, Lucene's "int7")
 * or 4 bits. Lucene has no 8-bit variant; {@code int8} is accepted as a name for {@code int7}.
 */
public enum Quantization {
    NONE(0), INT7(7), INT4(4);

    private final int bits;

    Quantization(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Quantization parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "none", "fp32", "float" -> NONE;
            case "int7", "int8" -> INT7;
            case "int4" -> INT4;
            default -> throw new IllegalArgumentException("unknown quantization '" + s + "' (none, int7, int4)");
        };
    }
}
