package dev.jclip.model;

import dev.jclip.runtime.Cpu;
import dev.jclip.runtime.Precision;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CPUs without AMX: with oneDNN capped below the matrix engine ({@code ONEDNN_MAX_CPU_ISA}),
 * bf16 still computes the same features within its tolerance, and {@code auto} never picks bf16
 * where it would be emulated, so such a machine is never slower under auto.
 */
class PrecisionFallbackTest {

    @ParameterizedTest
    @ValueSource(strings = {"AVX2", "AVX512_CORE_BF16"})
    void bf16WorksAndAutoFallsBackUnderAnIsaCap(String isa) throws Exception {
        Path fixture = Shared.fixtures("models/vit-s");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PrecisionProbe.class.getName(), fixture.toString());
        pb.environment().put("ONEDNN_MAX_CPU_ISA", isa);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, p.exitValue(), out);
        Matcher m = Pattern.compile("auto=(\\w+) cpu=(.+) image=([0-9.Ee-]+) text=([0-9.Ee-]+)").matcher(out);
        assertTrue(m.find(), out);
        System.out.println("ONEDNN_MAX_CPU_ISA=" + isa + ": " + m.group());
        Cpu here = Cpu.get().cappedBy(isa);
        if (!here.hasNativeBf16()) {
            assertNotEquals("bf16", m.group(1), "auto must not pick an emulated bf16");
        }
        if (isa.equals("AVX2")) {
            assertNotEquals("bf16", m.group(1), "auto must not pick bf16 when oneDNN may not use bf16 instructions");
        }
        assertTrue(Double.parseDouble(m.group(3)) >= 0.999 && Double.parseDouble(m.group(4)) >= 0.999, out);
    }

    @Test
    void capRemovesTheMatrixEngineFlags() {
        Cpu amx = Cpu.ofFlags(Set.of("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "amx_int8"));
        assertTrue(amx.hasAmx());
        assertTrue(amx.cappedBy("AVX512_CORE_AMX").hasAmx());
        assertFalse(amx.cappedBy("AVX512_CORE_BF16").hasAmx());
        assertTrue(amx.cappedBy("AVX512_CORE_BF16").hasNativeBf16());
        assertFalse(amx.cappedBy("AVX2").hasNativeBf16());
        assertFalse(amx.cappedBy("avx512_core").hasNativeBf16());
        assertEquals("AVX2", amx.cappedBy("AVX2").describe());
    }
}
