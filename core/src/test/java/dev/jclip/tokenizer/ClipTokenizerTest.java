package dev.jclip.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipTokenizerTest {
    /** ftfy's mojibake repair is not reproduced (see TextCleaner). */
    static boolean isMojibake(String text) {
        return text.contains("Ã");
    }

    @Test
    void bundledMergesHaveTheReferenceChecksum() throws Exception {
        List<String> merges = ClipTokenizer.get().merges();
        assertEquals(48_894, merges.size());
        assertEquals("i n", merges.get(0));
        assertEquals("jeky ll</w>", merges.get(merges.size() - 1));
        byte[] joined = String.join("\n", merges).getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(joined));
        assertEquals("f61f2adf497e6f5357c347aeb4646fabe82f341e946de5bdec5d2858e41bef4a", sha);
        assertEquals(49_408, ClipTokenizer.get().vocabSize());
    }

    @Test
    void everyFixtureCaseMatchesTheReference() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ClipTokenizer tok = ClipTokenizer.get();
        int checked = 0, exempt = 0;
        List<String> failures = new ArrayList<>();
        for (String line : Files.readAllLines(Shared.fixtures("tokenizer/cases.jsonl"))) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode c = json.readTree(line);
            String text = c.get("text").asText();
            if (isMojibake(text)) {
                exempt++;
                continue;
            }
            int[] ids = toInts(c.get("ids"));
            int[] mine = tok.encodeWithMarkers(text);
            if (!java.util.Arrays.equals(ids, mine)) {
                failures.add("ids of " + json.writeValueAsString(text) + ": expected " + java.util.Arrays.toString(ids)
                        + " got " + java.util.Arrays.toString(mine));
                continue;
            }
            long[] row = tok.tokenize(List.of(text), 77, true)[0];
            int[] expectedRow = c.get("fits").asBoolean() ? pad(ids) : toInts(c.get("ids_truncated"));
            for (int i = 0; i < 77; i++) {
                if (row[i] != expectedRow[i]) {
                    failures.add("truncated row of " + text);
                    break;
                }
            }
            if (!c.get("fits").asBoolean()) {
                assertThrows(TextTooLongException.class, () -> tok.tokenize(List.of(text), 77, false));
            }
            String decoded = tok.decode(java.util.Arrays.copyOfRange(ids, 1, ids.length - 1));
            if (!decoded.equals(c.get("decoded").asText())) {
                failures.add("decode of " + text + ": expected " + json.writeValueAsString(c.get("decoded").asText())
                        + " got " + json.writeValueAsString(decoded));
            }
            checked++;
        }
        System.out.printf("tokenizer parity: %d cases checked, %d failures, %d mojibake cases exempt%n",
                checked, failures.size(), exempt);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(2, exempt);
        assertTrue(checked >= 50);
    }

    @Test
    void tooLongTextNamesItsLength() {
        String text = "word ".repeat(100);
        TextTooLongException e = assertThrows(TextTooLongException.class,
                () -> ClipTokenizer.get().tokenize(List.of(text), 77, false));
        assertEquals(102, e.tokens());
        assertTrue(e.getMessage().contains("102 tokens"));
    }

    @Test
    void tensorRowsArePadded() {
        var t = ClipTokenizer.get().tokenizeTensor(List.of("a photo of a cat", "hi"), 77, false);
        assertArrayEquals(new long[]{2, 77}, t.shape());
        assertEquals(ClipTokenizer.SOT, t.toLongArray()[0]);
        assertEquals(0, t.toLongArray()[76]);
    }

    static int[] toInts(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    static int[] pad(int[] ids) {
        return java.util.Arrays.copyOf(ids, 77);
    }
}
