package dev.jclip.text;

import dev.jclip.model.SentenceEncoderTower;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core alone has no sentence encoder (ONNX Runtime and MiniLM live in jclip-text-onnx): asking
 * for one says which module brings it, rather than failing on a missing class.
 */
class SentenceEncodersTest {
    @Test
    void withoutTheOnnxModuleAnEncoderNameSaysWhichModuleBringsIt() {
        assertTrue(SentenceEncoders.names().isEmpty(), "core's test class path has no provider: " + SentenceEncoders.names());
        assertFalse(SentenceEncoders.isKnown("minilm"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SentenceEncoderTower.Spec.named("minilm"));
        assertTrue(e.getMessage().contains("unknown sentence encoder 'minilm'"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.jclip:jclip-text-onnx"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SentenceEncoders.open("minilm", 1));
    }
}
