package dev.jclip.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizeCommandTest {
    @Test
    void printsIdsAndCount() {
        CliRunner.Result r = CliRunner.run("tokenize", "a photo of a cat");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("[49406, 320, 1125, 539, 320, 2368, 49407]  (7 tokens)", r.out().strip());
    }

    @Test
    void tooLongFailsUnlessTruncated() {
        String longText = "word ".repeat(100);
        CliRunner.Result r = CliRunner.run("tokenize", longText);
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("102 tokens"), r.err());
        CliRunner.Result t = CliRunner.run("tokenize", "--truncate", "--json", longText);
        assertEquals(0, t.exitCode(), t.err());
        assertTrue(t.out().contains("\"tokens\":77"), t.out());
    }
}
