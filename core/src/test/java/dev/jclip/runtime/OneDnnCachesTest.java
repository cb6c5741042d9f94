package dev.jclip.runtime;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN's cache sizes: the object it reads them from is found in the loaded libtorch, and on a CPU
 * that reports no caches the 1-byte sizes are mended before any kernel is planned, so that the
 * 1×1 convolution that divided by zero there (256→1024 channels) runs and matches float64.
 */
class OneDnnCachesTest {

    @Test
    void findsOneDnnsCpuObjectInTheLoadedLibtorch() throws Exception {
        org.bytedeco.javacpp.Loader.load(torch.class);
        Path lib = Files.readAllLines(Path.of("/proc/self/maps")).stream().map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length >= 6 && f[5].endsWith("/libtorch_cpu.so")).map(f -> Path.of(f[5])).findFirst().orElseThrow();
        long[] at = OneDnnCaches.symbols(lib, "_ZZN4dnnl4impl3cpu3x643cpuEvE4cpu_", "_ZGVZN4dnnl4impl3cpu3x643cpuEvE4cpu_", "no_such_symbol_here");
        assertNotEquals(0, at[0], "oneDNN's CPU object");
        assertNotEquals(0, at[1], "its guard");
        assertEquals(0, at[2]);
    }

    @Test
    void mendsTheOneByteCachesOfACpuThatReportsNone() {
        String s = OneDnnCaches.mend();
        System.out.println("oneDNN cache sizes: " + s + " (CPU reports caches: " + Cpu.get().hasCacheTopology() + ")");
        if (Cpu.get().hasCacheTopology()) {
            assertTrue(s.startsWith("not needed"), s);
            return;
        }
        assertTrue(s.startsWith("mended: oneDNN read "), s);
        assertTrue(OneDnnCaches.mended());
        // unmended, this shape's primitive creation died of SIGFPE on a Zen 5 VM; now it must compute
        try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor x = torch.randn(1, 256, 7, 7), w = torch.randn(1024, 256, 1, 1).mul_(new org.bytedeco.pytorch.Scalar(0.0625));
            Tensor y = Convs.oneDnn(x, w, 1, 0), ref = Convs.gemm(x.to(torch.ScalarType.Double), w.to(torch.ScalarType.Double), 1, 0);
            double err = y.to(torch.ScalarType.Double).sub(ref).abs().max().item_double() / ref.abs().max().item_double();
            assertTrue(err <= 1e-4, "relative error " + err);
        }
    }

    @Test
    void touchesOnlyTheOneByteKind() {
        assertTrue(OneDnnCaches.brokenKind(3, new int[]{1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, new int[]{1, 1, 1}));
        assertTrue(OneDnnCaches.brokenKind(1, new int[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, new int[]{1}));
        // real caches, a zero count, too many levels, an unused slot set, a zero sharing count: left alone
        assertEquals(false, OneDnnCaches.brokenKind(3, new int[]{49152, 1 << 20, 32 << 20, 0, 0, 0, 0, 0, 0, 0}, new int[]{1, 1, 8}));
        assertEquals(false, OneDnnCaches.brokenKind(0, new int[10], new int[0]));
        assertEquals(false, OneDnnCaches.brokenKind(4, new int[]{1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, new int[]{1, 1, 1, 1}));
        assertEquals(false, OneDnnCaches.brokenKind(2, new int[]{1, 1, 7, 0, 0, 0, 0, 0, 0, 0}, new int[]{1, 1}));
        assertEquals(false, OneDnnCaches.brokenKind(2, new int[]{1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, new int[]{1, 0}));
        assertArrayEquals(new long[]{32 * 1024, 512 * 1024, 1024 * 1024}, OneDnnCaches.ONEDNN_GUESS);
    }
}
