package dev.jclip.model;

import dev.jclip.Clip;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.Torch;
import dev.jclip.text.CachedSentenceEncoder;
import dev.jclip.text.SentenceEncoder;
import dev.jclip.text.SentenceEncoders;
import dev.jclip.train.AdamW;
import dev.jclip.train.Checkpoints;
import dev.jclip.train.ParamGroups;
import dev.jclip.train.StepRunner;
import dev.jclip.zeroshot.Templates;
import dev.jclip.zeroshot.ZeroShotClassifier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The locked sentence-encoder text tower: structure, training through the projection, save and reload. */
class SentenceEncoderTowerTest {
    static final ClipConfig IMAGE = ClipConfig.vit(32, 32, 2, 64, 8, 77, 49408, 64, 1, 2);
    static final SentenceEncoderTower.Spec MINILM_Q = SentenceEncoderTower.Spec.named("minilm-q");
    static final List<String> CAPTIONS = List.of("a photo of a cat.", "a photo of a dog.", "a photo of a car.",
            "a photo of a tree.");
    static SentenceEncoder shared;
    static Function<String, SentenceEncoder> previous;

    @BeforeAll
    static void memoryOnlyEncoder() {
        shared = CachedSentenceEncoder.at(null, SentenceEncoders.open("minilm-q", 2));
        previous = SentenceEncoderTower.setOpener(name -> {
            assertEquals("minilm-q", name);
            return shared;
        });
    }

    @AfterAll
    static void restore() {
        SentenceEncoderTower.setOpener(previous);
        shared.close();
    }

    static ClipModel model(long seed) {
        torch.manual_seed(seed);
        return ClipModel.withSentenceEncoder(IMAGE, MINILM_Q);
    }

    @Test
    void theSentenceEncoderReplacesTheWholeClipTextSide() {
        ClipModel m = model(0);
        Map<String, Tensor> p = m.namedParameters(false);
        assertEquals(List.of(384L, 32L), List.of(p.get("text_encoder.proj").size(0), p.get("text_encoder.proj").size(1)));
        assertTrue(p.keySet().stream().noneMatch(k -> k.startsWith("transformer.") || k.startsWith("token_embedding")
                || k.equals("positional_embedding") || k.equals("text_projection") || k.startsWith("ln_final")), p.keySet().toString());
        assertEquals("minilm-q", m.text().kind());
        assertEquals("clip", new ClipModel(IMAGE).text().kind());
        assertNull(new ClipModel(IMAGE).sentenceTower());
        assertEquals(0, m.config().transformerLayers());
        var e = assertThrows(IllegalStateException.class, () -> m.encodeText(torch.zeros(1, 77).to(torch.ScalarType.Long)));
        assertTrue(e.getMessage().contains("texts, not CLIP tokens"), e.getMessage());
    }

    @Test
    void encodesTextsAsTheProjectionOfTheLockedFeatures() {
        ClipModel m = model(1);
        float[][] got = Clip.of(m).encodeTexts(CAPTIONS);
        float[][] f = shared.encode(CAPTIONS);
        float[] proj = Torch.toFloatArray(m.sentenceTower().proj);
        for (int i = 0; i < CAPTIONS.size(); i++) {
            for (int k = 0; k < 32; k++) {
                double s = 0;
                for (int j = 0; j < 384; j++) {
                    s += f[i][j] * proj[j * 32 + k];
                }
                assertEquals(s, got[i][k], 1e-5);
            }
        }
    }

    @Test
    void trainingMovesOnlyTheImageTowerProjectionAndScaleAndLowersTheLoss() {
        ClipModel m = model(2);
        m.train(true);
        Map<String, Tensor> params = m.namedParameters(true);
        AdamW opt = new AdamW(params, ParamGroups.noDecay(params), new AdamW.Options(3e-3, 0.0, 0.9, 0.98, 1e-6));
        float[] projBefore = Torch.toFloatArray(m.sentenceTower().proj);
        torch.manual_seed(7);
        Tensor px = torch.randn(4, 3, 32, 32);
        List<long[]> rows = m.text().rows(CAPTIONS);
        assertEquals(List.of(0L, 1L, 2L, 3L), rows.stream().map(r -> r[0]).toList());
        assertEquals(rows.get(1)[0], m.text().rows(List.of("a photo of a dog."))
                .get(0)[0]); // a text keeps its row id
        StepRunner runner = new StepRunner(m, StepRunner.Options.plain());
        double first = Double.NaN, last = Double.NaN;
        for (int s = 0; s < 15; s++) {
            try (PointerScope scope = new PointerScope()) {
                opt.zeroGrad();
                last = runner.run(px, rows);
                if (s == 0) {
                    first = last;
                }
                opt.step();
                m.clampLogitScale();
            }
        }
        assertTrue(last < first * 0.5, "loss " + first + " -> " + last);
        assertFalse(java.util.Arrays.equals(projBefore, Torch.toFloatArray(m.sentenceTower().proj)), "projection did not train");
    }

    @Test
    void aFixedIdentityProjectionKeepsTheEncodersSpaceAndDoesNotTrain() {
        torch.manual_seed(6);
        ClipModel m = ClipModel.withSentenceEncoder(ClipConfig.vit(384, 32, 1, 64, 8, 77, 49408, 64, 1, 1), MINILM_Q);
        m.sentenceTower().lockIdentity();
        assertFalse(m.namedParameters(true).containsKey("text_encoder.proj"));
        float[][] f = shared.encode(CAPTIONS), e = Clip.of(m).encodeTexts(CAPTIONS);
        for (int i = 0; i < f.length; i++) {
            assertArrayEquals(f[i], e[i], 1e-6f);
        }
        m.train(true);
        Map<String, Tensor> params = m.namedParameters(true);
        AdamW opt = new AdamW(params, ParamGroups.noDecay(params), new AdamW.Options(3e-3, 0.1, 0.9, 0.98, 1e-6));
        float[] visBefore = Torch.toFloatArray(m.namedParameters(false).get("visual.proj"));
        try (PointerScope scope = new PointerScope()) {
            opt.zeroGrad();
            new StepRunner(m, StepRunner.Options.plain()).run(torch.randn(4, 3, 32, 32), m.text().rows(CAPTIONS));
            opt.step();
        }
        assertArrayEquals(Torch.toFloatArray(torch.eye(384)), Torch.toFloatArray(m.sentenceTower().proj), 0f);
        assertFalse(java.util.Arrays.equals(visBefore, Torch.toFloatArray(m.namedParameters(false).get("visual.proj"))));
        var err = assertThrows(IllegalArgumentException.class, () -> model(0).sentenceTower().lockIdentity());
        assertTrue(err.getMessage().contains("embed_dim = 384"), err.getMessage());
    }

    @Test
    void accumulationGivesThePlainGradient() {
        float[] plain = gradOfProj(new StepRunner.Options(1, false, dev.jclip.runtime.Precision.FP32));
        float[] accum = gradOfProj(new StepRunner.Options(2, true, dev.jclip.runtime.Precision.FP32));
        assertArrayEquals(plain, accum, 1e-5f);
    }

    static float[] gradOfProj(StepRunner.Options o) {
        ClipModel m = model(3);
        m.train(true);
        torch.manual_seed(9);
        Tensor px = torch.randn(4, 3, 32, 32);
        new StepRunner(m, o).run(px, m.text().rows(List.of(CAPTIONS.get(0), CAPTIONS.get(1), CAPTIONS.get(0), CAPTIONS.get(3))));
        return Torch.toFloatArray(m.sentenceTower().proj.grad());
    }

    @Test
    void savedModelsAndCheckpointsRecordTheTowerAndReloadForZeroShot(@TempDir Path dir) throws Exception {
        ClipModel m = model(4);
        m.eval();
        Path file = dir.resolve("model.safetensors");
        ModelFiles.save(m, file);
        assertTrue(dev.jclip.tensor.SafeTensors.readMetadata(file).get(ModelFiles.TEXT_TOWER_KEY).contains("minilm-q"));
        ModelLoader.Loaded back = ModelLoader.load(file);
        assertEquals("minilm-q", back.model().text().kind());
        Clip a = Clip.of(m), b = Clip.of(back.model());
        float[][] ta = a.encodeTexts(CAPTIONS), tb = b.encodeTexts(CAPTIONS);
        for (int i = 0; i < ta.length; i++) {
            assertArrayEquals(ta[i], tb[i], 0f);
        }
        torch.manual_seed(5);
        HostTensor px = Torch.toHost(torch.randn(2, 3, 32, 32));
        float[][] ia = a.encodePixels(px), ib = b.encodePixels(px);
        assertArrayEquals(ia[0], ib[0], 0f);
        ZeroShotClassifier zs = b.zeroShot(List.of("cat", "dog", "car"), Templates.of("a photo of a {}."));
        assertEquals(3, zs.logits(ib, 100)[0].length);

        AdamW opt = new AdamW(m.namedParameters(true), java.util.Set.of(), AdamW.Options.defaults(true));
        Path ck = Checkpoints.save(dir, m, opt, new Checkpoints.Position(1, 0, 4), 1);
        assertEquals("minilm-q", ModelLoader.load(ck).model().text().kind());
    }
}
