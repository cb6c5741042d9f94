package dev.jclip.experiments.zst;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.List;

/**
 * CPython's {@code random.Random} (3.2 and later), as far as the zero-shot transfer experiment uses
 * it: seeding from an int or a str, {@code getrandbits}, {@code _randbelow}, {@code shuffle} and
 * {@code choice}. The experiment's class splits, photo splits and caption choices were first made in
 * Python; drawing the same numbers from the same seeds makes the Java pipeline produce the same
 * splits, so its runs are comparable with the published table.
 *
 * <p>The generator is MT19937 seeded with {@code init_by_array} from the seed's 32-bit words, least
 * significant first, as {@code _randommodule.c} does. A str seed is first turned into the int
 * {@code int.from_bytes(s.encode() + sha512(s.encode()).digest(), "big")} (seed version 2).
 */
public final class PyRandom {
    private static final int N = 624;
    private static final int M = 397;

    private final int[] mt = new int[N];
    private int index = N;

    /** {@code random.Random(seed)} for an int seed (its absolute value is used, as CPython does). */
    public PyRandom(long seed) {
        this(BigInteger.valueOf(seed).abs());
    }

    /** {@code random.Random(seed)} for a str seed. */
    public PyRandom(String seed) {
        this(stringSeed(seed));
    }

    private PyRandom(BigInteger seed) {
        initByArray(words(seed));
    }

    private static BigInteger stringSeed(String seed) {
        byte[] bytes = seed.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(bytes);
            byte[] all = new byte[bytes.length + digest.length];
            System.arraycopy(bytes, 0, all, 0, bytes.length);
            System.arraycopy(digest, 0, all, bytes.length, digest.length);
            return new BigInteger(1, all);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is part of every Java runtime", e);
        }
    }

    /** The seed's 32-bit words, least significant first; zero is one word 0. */
    private static int[] words(BigInteger n) {
        int bits = n.bitLength();
        int count = bits == 0 ? 1 : (bits - 1) / 32 + 1;
        int[] key = new int[count];
        for (int i = 0; i < count; i++) {
            key[i] = n.shiftRight(32 * i).intValue();
        }
        return key;
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** The next 32 bits of MT19937 ({@code genrand_uint32}), as an unsigned value. */
    public long nextUint32() {
        if (index >= N) {
            twist();
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void twist() {
        for (int kk = 0; kk < N; kk++) {
            int y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % N] & 0x7fffffff);
            mt[kk] = mt[(kk + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        index = 0;
    }

    /** {@code getrandbits(k)} for 0 &le; k &le; 32: the top k bits of one 32-bit output. */
    public long getrandbits(int k) {
        if (k < 0 || k > 32) {
            throw new IllegalArgumentException("getrandbits supports 0..32 bits here, not " + k);
        }
        return k == 0 ? 0 : nextUint32() >>> (32 - k);
    }

    /** {@code _randbelow(n)}: rejection sampling on {@code n.bit_length()} bits, a number in [0, n). */
    public int randbelow(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("randbelow needs n > 0, not " + n);
        }
        int k = 32 - Integer.numberOfLeadingZeros(n);
        long r = getrandbits(k);
        while (r >= n) {
            r = getrandbits(k);
        }
        return (int) r;
    }

    /** {@code shuffle(x)}: Fisher-Yates from the end, in place. */
    public void shuffle(List<?> x) {
        for (int i = x.size() - 1; i >= 1; i--) {
            Collections.swap(x, i, randbelow(i + 1));
        }
    }

    /** {@code choice(seq)}. */
    public <T> T choice(List<T> seq) {
        if (seq.isEmpty()) {
            throw new IndexOutOfBoundsException("Cannot choose from an empty sequence");
        }
        return seq.get(randbelow(seq.size()));
    }
}
