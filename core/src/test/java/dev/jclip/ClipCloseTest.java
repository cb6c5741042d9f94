package dev.jclip;

import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelPresets;
import dev.jclip.runtime.Precision;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closing a model frees its native memory at once, so loading and dropping models stays flat; a closed one refuses use. */
class ClipCloseTest {

    @Test
    void loadingAndClosingModelsKeepsMemoryFlat() {
        var config = ModelPresets.get("ViT-B/32");
        long modelBytes;
        try (ClipModel warm = new ClipModel(config)) { // first allocations settle the allocator
            modelBytes = warm.parameterCount() * 4;
        }
        long base = Pointer.physicalBytes();
        long worst = 0;
        for (int i = 0; i < 3; i++) {
            long peak;
            try (Clip clip = Clip.of(new ClipModel(config))) {
                peak = Pointer.physicalBytes();
                assertTrue(peak - base > modelBytes / 2, "the model was not in memory? rss grew by " + (peak - base));
            }
            long after = Pointer.physicalBytes();
            worst = Math.max(worst, after - base);
            System.out.printf("model %d (%d MB of parameters): rss %+d MB while loaded, %+d MB after close%n", i,
                    modelBytes >> 20, (peak - base) >> 20, (after - base) >> 20);
        }
        // without close() each dropped model would stay until a garbage collection: 3 × 577 MB here, and without
        // malloc_trim glibc kept about 225 MB of each freed model
        assertTrue(worst < modelBytes / 2, "rss grew by " + (worst >> 20) + " MB over 3 closed models of "
                + (modelBytes >> 20) + " MB");
    }

    @Test
    void aClosedClipRefusesUseAndClosingTwiceIsHarmless() {
        ClipModel model = new ClipModel(ModelPresets.get("ViT-Tiny/8-32px"));
        Clip clip = Clip.of(model);
        assertEquals(128, clip.encodeTexts(List.of("a photo of a cat"))[0].length);
        clip.close();
        clip.close();
        assertTrue(clip.isClosed() && model.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> clip.encodeTexts(List.of("a cat")));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, clip::logitScale);
        assertThrows(IllegalStateException.class, model::stateDict);
    }

    @Test
    void anInt8ModelCloses() {
        try (Clip clip = Clip.of(new ClipModel(ModelPresets.get("ViT-Tiny/8-32px")).setPrecision(Precision.INT8))) {
            assertEquals(1, clip.encodeTexts(List.of("a dog")).length);
        }
    }
}
