package dev.jclip.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernels are checked in child JVMs: every kernel gets a verdict, the verdicts are cached per
 * CPU signature, and a child killed by a kernel (the fault switch makes it die of a real SIGSEGV)
 * costs the parent nothing: that kernel is named, the rest are still probed, and the machine routes
 * around it.
 */
class KernelProbeTest {

    @Test
    void everyKernelGetsAVerdictThatIsCachedForThisCpu(@TempDir Path dir) throws Exception {
        Machine m = Machine.withCache(dir, null);
        Map<Kernel, KernelProbe.Verdict> v = m.verdicts();
        assertEquals(Kernel.ALL.size(), v.size(), v.toString());
        assertTrue(m.verdictSource().startsWith("probed now"), m.verdictSource());
        v.values().forEach(x -> System.out.println("probe " + x));
        // nothing in jclip runs without fp32 matrix products: a machine where they fail is no machine for it
        assertTrue(v.get(Kernel.parse("linear/fp32")).ok(), v.toString());
        v.values().forEach(x -> assertFalse(x.detail().startsWith(KernelProbe.UNPROBED), x.toString()));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("kernels-" + Cpu.get().signature())).count());
        }
        Machine again = Machine.withCache(dir, null);
        assertEquals(v, again.verdicts());
        assertTrue(again.verdictSource().startsWith("cached in"), again.verdictSource());
        for (KernelProbe.Verdict x : v.values()) {
            if (x.ok()) {
                assertTrue(x.ms() > 0 && x.drift() >= 0, x.toString());
            }
        }
    }

    @Test
    void aKernelThatKillsTheProbeIsNamedAndRoutedAround(@TempDir Path dir) throws Exception {
        Machine m = Machine.withCache(dir, "conv1x1/fp32,linear/bf16");
        Map<Kernel, KernelProbe.Verdict> v = m.verdicts();
        KernelProbe.Verdict conv = v.get(Kernel.parse("conv1x1/fp32"));
        assertFalse(conv.ok());
        assertTrue(conv.detail().contains("crashed the JVM") && conv.detail().contains("SIGSEGV"), conv.detail());
        assertFalse(v.get(Kernel.parse("linear/bf16")).ok());
        // the children after each death probed the rest
        assertEquals(Kernel.ALL.size(), v.size());
        assertFalse(m.runs(Kernel.parse("conv1x1/fp32")));
        // bf16 needs bf16 linear products in every tower; fp32 always runs (convolutions take the GEMM route)
        for (TowerKind t : TowerKind.values()) {
            assertFalse(m.canRun(Precision.BF16, t));
            assertEquals(Precision.FP32, m.runnable(Precision.BF16, t));
            assertTrue(m.canRun(Precision.FP32, t));
            assertFalse(m.choices(t).containsKey(Precision.BF16));
        }
        assertEquals(Precision.FP32, m.trainingPick());
        // a fault-switched run is never cached: the next process probes for real
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".json")).count());
        }
    }

    @Test
    void kernelIdsAndVerdictLinesRoundTrip() {
        for (Kernel k : Kernel.ALL) {
            assertEquals(k, Kernel.parse(k.id()));
        }
        KernelProbe.Verdict v = KernelProbe.parse("ok linear/int8 drift=0.0012 ms=3.500");
        assertTrue(v.ok());
        assertEquals(3.5, v.ms());
        assertFalse(KernelProbe.parse("fail conv3x3/bf16 relative error 0.5").ok());
        assertEquals(Map.of(), Machine.read(Machine.write(Map.of())).isEmpty() ? Map.of() : null);
    }

    @Test
    void theOneByOneProbeCoversEveryChannelPairOfTheResNets() {
        // ModelPresets' released ResNets and the trainable one; their widths are the probe's
        for (String name : java.util.List.of("RN-Tiny-32px", "RN50")) {
            var config = dev.jclip.model.ModelPresets.get(name);
            assertTrue(java.util.Arrays.stream(ProbeChild.RESNET_WIDTHS).anyMatch(w -> w == config.visionWidth()), name);
            var probed = ProbeChild.pointwiseChannels(config.visionWidth());
            var model = new dev.jclip.model.ClipModel(config);
            int seen = 0;
            for (var e : model.namedParameters(false).entrySet()) {
                long[] s = e.getValue().sizes().vec().get();
                if (e.getKey().startsWith("visual.") && s.length == 4 && s[2] == 1 && s[3] == 1) {
                    seen++;
                    assertTrue(probed.stream().anyMatch(p -> p[0] == s[1] && p[1] == s[0]),
                            name + " " + e.getKey() + " " + s[1] + "->" + s[0] + " is not probed");
                }
            }
            assertTrue(seen > 0, name);
        }
        for (String name : java.util.List.of("RN101", "RN50x4", "RN50x16", "RN50x64")) {
            int w = dev.jclip.model.ModelPresets.get(name).visionWidth();
            assertTrue(java.util.Arrays.stream(ProbeChild.RESNET_WIDTHS).anyMatch(x -> x == w), name + " width " + w);
        }
    }
}
