package dev.jclip.experiments.zst;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tsv writes what Python's csv.writer(delimiter="\t", lineterminator="\n") wrote (CPython 3.11.7) and reads it back. */
class TsvTest {
    @Test
    void quotesAsPythonAndReadsBack(@TempDir Path tmp) throws Exception {
        List<List<String>> rows = List.of(List.of("a\rb", "c"), List.of("x\"y", "q"), List.of(""), List.of("", ""),
                List.of("sp ace", "t\tab"), List.of("\"start", "n\nl"));
        Path f = tmp.resolve("t.tsv");
        Tsv.write(f, rows);
        // '\r' is left unquoted with lineterminator "\n", as CPython 3.11 does
        assertEquals("a\rb\tc\n\"x\"\"y\"\tq\n\"\"\n\t\nsp ace\t\"t\tab\"\n\"\"\"start\"\t\"n\nl\"\n", Files.readString(f));
        Tsv.write(f, rows.subList(1, rows.size()));
        assertEquals(rows.subList(1, rows.size()), Tsv.read(f));
    }

    @Test
    void pythonTextHelpers() {
        assertEquals("a b", PyText.strip("\u00a0 a b\u2007\n"));
        assertEquals(List.of("a", "b", "c"), PyText.split(" a\u00a0b\t c "));
        assertArrayEquals(new String[]{"a.b", ".png"}, PyText.splitext("a.b.png"));
        assertArrayEquals(new String[]{"..png", ""}, PyText.splitext("..png"));
        assertArrayEquals(new String[]{".a", ".png"}, PyText.splitext(".a.png"));
        // whole words, the plural too, case-blind; the longer name wins
        assertTrue(PyText.namesPattern(List.of("chair")).matcher("Two CHAIRS.").find());
        assertFalse(PyText.namesPattern(List.of("chair")).matcher("a wheelchair").find());
        assertTrue(PyText.namesPattern(List.of("watch")).matcher("watches on a table").find());
    }
}
