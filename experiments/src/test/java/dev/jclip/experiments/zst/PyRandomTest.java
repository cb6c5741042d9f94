package dev.jclip.experiments.zst;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Numbers printed by CPython 3.11.7's {@code random.Random} for the same seeds and calls. */
class PyRandomTest {
    @Test
    void intSeedMatchesCPython() {
        PyRandom r = new PyRandom(0);
        assertEquals(List.of(3626764237L, 1654615998L, 3255389356L), List.of(r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)));
        PyRandom big = new PyRandom((1L << 40) + 5); // two key words
        assertEquals(List.of(2166296868L, 2220160828L), List.of(big.getrandbits(32), big.getrandbits(32)));
        PyRandom neg = new PyRandom(-3); // CPython seeds with abs(seed)
        assertEquals(List.of(30L, 2545373330L, 0L), List.of(neg.getrandbits(7), neg.getrandbits(32), neg.getrandbits(0)));
        assertEquals(0, neg.randbelow(1));
    }

    @Test
    void stringSeedMatchesCPython() {
        PyRandom r = new PyRandom("0/accordion");
        assertEquals(List.of(3412819768L, 722188240L, 876345178L), List.of(r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)));
        PyRandom c = new PyRandom("cifar");
        List<Integer> below = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            below.add(c.randbelow(1000003));
        }
        assertEquals(List.of(149759, 783467, 401338, 908074, 986801), below);
    }

    @Test
    void shuffleAndChoiceMatchCPython() {
        List<Integer> x = new ArrayList<>(IntStream.range(0, 10).boxed().toList());
        new PyRandom(7).shuffle(x);
        assertEquals(List.of(8, 3, 1, 4, 7, 0, 9, 6, 2, 5), x);
        List<Integer> y = new ArrayList<>(IntStream.range(0, 89).boxed().toList());
        new PyRandom("2/Faces_easy").shuffle(y);
        assertEquals(List.of(66, 44, 42, 51, 47, 26, 87, 71, 55, 72, 5, 28, 61, 69, 33, 63, 3, 50, 60, 37, 21, 59, 31, 22, 36,
                52, 64, 10, 17, 2, 18, 6, 84, 80, 27, 4, 86, 35, 20, 41, 11, 7, 62, 77, 23, 32, 19, 75, 54, 1, 53, 83, 78, 9, 43,
                58, 8, 56, 0, 25, 15, 88, 74, 12, 13, 85, 40, 14, 29, 79, 30, 48, 70, 49, 73, 45, 82, 65, 39, 67, 76, 57, 81, 24,
                68, 46, 38, 16, 34), y);
        PyRandom r = new PyRandom("mixed/1");
        StringBuilder s = new StringBuilder();
        List<String> letters = List.of("a", "b", "c", "d", "e", "f", "g", "h");
        for (int i = 0; i < 10; i++) {
            s.append(r.choice(letters));
        }
        assertEquals("cgahghfhhd", s.toString());
    }
}
