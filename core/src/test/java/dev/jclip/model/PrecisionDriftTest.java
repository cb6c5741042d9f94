package dev.jclip.model;

import dev.jclip.runtime.Precision;
import dev.jclip.runtime.TowerKind;
import dev.jclip.Clip;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The faster precisions state their drift from fp32 on every fixture model: per-row cosine of the
 * image and text features against the fp32 path (bf16 ≥ 0.999, int8 ≥ 0.99), and fp32 is exactly
 * the reference path again after switching back.
 */
class PrecisionDriftTest {

    record Drift(double image, double text) {
    }

    static Drift drift(String model, Precision p) throws Exception {
        Map<String, HostTensor> io = SafeTensors.read(Shared.fixtures("models/" + model + "/io.safetensors"));
        Clip ref = Clip.of(ModelLoader.load(Shared.fixtures("models/" + model + "/openai_state_dict.pt")).model());
        Clip low = Clip.of(ModelLoader.load(Shared.fixtures("models/" + model + "/openai_state_dict.pt")).model().setPrecision(p));
        assertEquals(p, low.precision());
        float[][] ri = ref.encodePixels(io.get("pixels")), li = low.encodePixels(io.get("pixels"));
        float[][] rt = ref.encodeTokens(io.get("tokens")), lt = low.encodeTokens(io.get("tokens"));
        // the faster path must really run: identical features would mean it silently fell back to fp32
        assertFalse(java.util.Arrays.deepEquals(ri, li), p + " image features equal fp32's: the path did not run");
        assertFalse(java.util.Arrays.deepEquals(rt, lt), p + " text features equal fp32's: the path did not run");
        double ci = Int8InferenceTest.minCosine(ri, li);
        double ct = Int8InferenceTest.minCosine(rt, lt);
        System.out.printf("%s %s vs fp32 (fixture): image cosine >= %.6f, text cosine >= %.6f%n", p.label(), model, ci, ct);
        return new Drift(ci, ct);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-s", "vit-t", "rn-s"})
    void bf16StaysWithinTolerance(String model) throws Exception {
        Drift d = drift(model, Precision.BF16);
        assertTrue(d.image() >= 0.999 && d.text() >= 0.999, "bf16 drifted on " + model + ": " + d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-s", "vit-t", "rn-s"})
    void int8StaysWithinTolerance(String model) throws Exception {
        Drift d = drift(model, Precision.INT8);
        assertTrue(d.image() >= 0.99 && d.text() >= 0.99, "int8 drifted on " + model + ": " + d);
    }

    @Test
    void backToFp32IsTheReferencePathAgain() throws Exception {
        // bit for bit, so both encodes must run the batch the same way: auto's first calls time it
        // whole and split (runtime.BatchSplit), which round differently (BatchSplitTest covers that)
        System.setProperty("jclip.batchSplit", "off");
        try {
            encodeAroundPrecisionChanges();
        } finally {
            System.clearProperty("jclip.batchSplit");
        }
    }

    private static void encodeAroundPrecisionChanges() throws Exception {
        Map<String, HostTensor> io = SafeTensors.read(Shared.fixtures("models/vit-s/io.safetensors"));
        Clip clip = Clip.of(ModelLoader.load(Shared.fixtures("models/vit-s/openai_state_dict.pt")).model());
        float[][] before = clip.encodePixels(io.get("pixels"));
        float[][] beforeText = clip.encodeTokens(io.get("tokens"));
        clip.model().setPrecision(Precision.BF16);
        clip.model().setPrecision(Precision.INT8);
        clip.model().setPrecision(Precision.FP32);
        float[][] after = clip.encodePixels(io.get("pixels"));
        float[][] afterText = clip.encodeTokens(io.get("tokens"));
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], after[i], 0f);
        }
        for (int i = 0; i < beforeText.length; i++) {
            assertArrayEquals(beforeText[i], afterText[i], 0f);
        }
    }

    @Test
    void autoNeverPicksAnEmulatedOrFailedPrecision() {
        dev.jclip.runtime.Cpu cpu = dev.jclip.runtime.Cpu.get();
        dev.jclip.runtime.Machine machine = dev.jclip.runtime.Machine.get();
        for (TowerKind t : TowerKind.values()) {
            Precision auto = Precision.AUTO.resolve(t);
            assertTrue(auto != Precision.AUTO && machine.canRun(auto, t), t + " " + auto);
            if (!cpu.hasNativeBf16()) {
                assertNotEquals(Precision.BF16, auto, t + " on " + cpu.describe() + ": bf16 would be emulated");
            }
            assertTrue(machine.choices(t).get(auto) <= 1.0, "auto is never slower than fp32: " + machine.choices(t));
        }
        assertFalse(dev.jclip.runtime.Cpu.ofFlags(java.util.Set.of("avx2", "fma")).hasNativeBf16());
        assertTrue(dev.jclip.runtime.Cpu.ofFlags(java.util.Set.of("amx_bf16", "amx_tile", "amx_int8")).hasNativeBf16());
        assertEquals(Precision.BF16, Precision.parse("bfloat16"));
    }
}
