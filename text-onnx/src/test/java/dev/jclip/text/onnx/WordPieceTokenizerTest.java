package dev.jclip.text.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordPieceTokenizerTest {

    /**
     * Token ids of 41 strings (accents, punctuation and symbols, CJK, emoji, control and zero-width
     * characters, over-long words, truncation at 128) as Hugging Face's tokenizers library gives
     * them for the very tokenizer.json shipped with the model (generated once; see the file's source).
     */
    @Test
    void matchesHuggingFaceTokenizersOnEveryCase() throws Exception {
        WordPieceTokenizer tok = OnnxEncoders.tokenizer("minilm");
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/text/wordpiece-cases.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (JsonNode c : root.get("cases")) {
            int[] want = new int[c.get("ids").size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = c.get("ids").get(i).asInt();
            }
            int[] got = tok.encode(c.get("text").asText());
            if (!java.util.Arrays.equals(want, got)) {
                failures.add(c.get("text").asText() + ": want " + java.util.Arrays.toString(want)
                        + " got " + java.util.Arrays.toString(got));
            }
            n++;
        }
        assertEquals(41, n);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void basicRules() throws Exception {
        WordPieceTokenizer tok = OnnxEncoders.tokenizer("minilm-q");
        assertEquals(30522, tok.vocabSize());
        assertEquals(128, tok.maxLength());
        int[] ids = tok.encode("Unaffable!");
        assertEquals(101, ids[0]);
        assertEquals(102, ids[ids.length - 1]);
        // una ##ffa ##ble ! : lower-cased, continuation pieces, punctuation split off
        assertArrayEquals(new int[]{101, 14477, 20961, 3468, 999, 102}, ids);
        assertEquals("cafe", tok.normalize("CAFÉ"));
        assertEquals(List.of("a", "-", "b", ",", "c"), WordPieceTokenizer.preTokenize("a-b, c"));
        assertEquals(128, tok.encode("word ".repeat(500)).length);
        assertArrayEquals(new int[]{101, 102}, tok.encode(""));
    }

    @Test
    void rejectsOtherPipelines() {
        String json = "{\"model\":{\"type\":\"BPE\",\"vocab\":{}}}";
        var e = assertThrows(IllegalArgumentException.class,
                () -> WordPieceTokenizer.read(new java.io.ByteArrayInputStream(json.getBytes())));
        assertTrue(e.getMessage().contains("WordPiece"), e.getMessage());
    }
}
