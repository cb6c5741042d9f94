package dev.jclip.text.onnx;

import dev.jclip.model.SentenceEncoderTower;
import dev.jclip.text.SentenceEncoders;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The module registers its encoders with the core's ServiceLoader seam. */
class ProviderTest {
    @Test
    void theCoreFindsBothEncodersByName() {
        assertEquals(List.of("minilm", "minilm-q"), SentenceEncoders.names());
        assertEquals(384, SentenceEncoders.info("MiniLM").dim());
        assertEquals(new SentenceEncoderTower.Spec("minilm-q", 384), SentenceEncoderTower.Spec.named("minilm-q"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SentenceEncoders.info("bert"));
        assertTrue(e.getMessage().contains("known: minilm, minilm-q"), e.getMessage());
    }
}
