package dev.jclip.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code clip doctor} reports: the CPU, OpenBLAS, every probe, the fp32 linear path and auto per tower. */
class DoctorTest {
    @Test
    void reportNamesEveryDecision(@TempDir Path cache) {
        Machine m = Machine.withCache(cache, null);
        ObjectNode o = Doctor.report(m);
        assertFalse(o.get("cpu").get("model").asText().isEmpty());
        assertEquals(OpenBlas.get().core(), o.get("openblas").get("core").asText());
        Set<String> probed = new HashSet<>();
        for (JsonNode v : o.get("probes").get("verdicts")) {
            probed.add(v.get("kernel").asText());
        }
        for (Kernel k : Kernel.ALL) {
            assertTrue(probed.contains(k.id()), "doctor lists " + k.id() + ": " + probed);
        }
        assertEquals(m.linearPath(Precision.FP32), o.get("fp32_linear").get("path").asText());
        assertEquals(m.linearPath(Precision.BF16), o.get("bf16_linear").get("path").asText());
        for (TowerKind t : TowerKind.values()) {
            assertTrue(o.get("auto").has(t.name().toLowerCase(java.util.Locale.ROOT)), t.name());
        }
        String text = Doctor.text(o);
        assertTrue(text.contains("fp32 linear " + m.linearPath(Precision.FP32)), text);
        assertTrue(text.contains("packed_linear/fp32") && text.contains("packed_linear/bf16"), text);
        assertTrue(text.contains("bf16 linear " + m.linearPath(Precision.BF16)), text);
    }

    @Test
    void aFailedPackedLinearIsReportedWithItsRoute(@TempDir Path cache) {
        Machine m = Machine.withCache(cache, "packed_linear/fp32");
        ObjectNode o = Doctor.report(m);
        assertEquals("openblas", o.get("fp32_linear").get("path").asText());
        assertTrue(o.get("fp32_linear").get("why").asText().contains("failed its probe"), o.toString());
        assertTrue(Doctor.text(o).contains("fp32 linear layers run on OpenBLAS instead"), Doctor.text(o));
    }

    @Test
    void idleOpenBlasSpinIsReadAsOpenBlasReadsItAndReported(@TempDir Path cache) {
        assertEquals(OpenBlas.DEFAULT_IDLE_SPIN, OpenBlas.idleSpin(null));
        assertEquals(4, OpenBlas.idleSpin("4"));
        assertEquals(4, OpenBlas.idleSpin("1"));   // OpenBLAS clamps to 4..30
        assertEquals(30, OpenBlas.idleSpin("99"));
        assertEquals(OpenBlas.DEFAULT_IDLE_SPIN, OpenBlas.idleSpin("soon"));
        ObjectNode o = Doctor.report(Machine.withCache(cache, null));
        OpenBlas b = OpenBlas.get();
        assertEquals(b.idleSpin(), o.get("openblas").get("idle_spin_log2_cycles").asInt());
        String text = Doctor.text(o);
        assertTrue(text.contains(b.idleThreadsSpin() ? "set OPENBLAS_THREAD_TIMEOUT=4" : "idle threads sleep after 2^"), text);
        ObjectNode blas = (ObjectNode) o.get("openblas");
        blas.put("idle_spin_log2_cycles", 28).put("idle_threads_spin", true);
        assertTrue(Doctor.text(o).contains("spin 2^28 cycles after each product"), Doctor.text(o));
        blas.put("idle_spin_log2_cycles", 4).put("idle_threads_spin", false);
        assertTrue(Doctor.text(o).contains("idle threads sleep after 2^4 cycles"), Doctor.text(o));
    }

    @Test
    void theNativeHeapSettingsAreReadAndReported(@TempDir Path cache) {
        NativeHeap unset = NativeHeap.of(Map.of());
        assertTrue(unset.defaults() && !unset.tuned());
        assertTrue(unset.describe().contains("MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456"),
                unset.describe());
        assertTrue(NativeHeap.wanted(Map.of()) && !NativeHeap.wanted(Map.of("JCLIP_MALLOC", "default"))
                && !NativeHeap.wanted(Map.of("MALLOC_TOP_PAD_", "0")));
        NativeHeap tuned = NativeHeap.of(NativeHeap.SETTINGS);
        assertTrue(tuned.tuned() && !tuned.defaults(), tuned.describe());
        NativeHeap own = NativeHeap.of(Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1"));
        assertTrue(!own.tuned() && !own.defaults() && own.describe().contains("GLIBC_TUNABLES=glibc.malloc.trim_threshold=1"), own.describe());
        ObjectNode o = Doctor.report(Machine.withCache(cache, null));
        NativeHeap here = NativeHeap.get();
        assertEquals(here.tuned(), o.get("native_heap").get("tuned").asBoolean());
        assertTrue(Doctor.text(o).contains("heap       " + here.describe()), Doctor.text(o));
    }

    @Test
    void theLauncherScriptsAndTheBuildSetTheSameHeapSettings() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String line = String.join(" ", NativeHeap.SETTINGS.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        for (String f : new String[]{"clip", "scripts/experiment.sh"}) {
            assertTrue(Files.readString(root.resolve(f)).contains("export " + line), f + " should export " + line);
        }
        String pom = Files.readString(root.resolve("pom.xml"));
        NativeHeap.SETTINGS.forEach((k, v) -> assertTrue(pom.contains("<" + k + ">" + v + "</" + k + ">"), "pom.xml should set " + k));
    }
}
