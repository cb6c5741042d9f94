package dev.jclip.runtime;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cache sizes oneDNN plans its kernels with, mended where the CPU reports none.
 *
 * <p>oneDNN reads the data caches once, through Xbyak's {@code Cpu} object, from CPUID leaf 4 (or
 * AMD's 0x8000001D). On a VM whose hypervisor leaves those leaves empty (a Zen 5 cloud VM: every
 * field zero, and no {@code /sys/devices/system/cpu/cpu0/cache}) Xbyak still counts three levels
 * and computes each size from the zero fields as (0+1)·(0+1)·(0+1)·(0+1) = 1 byte. oneDNN's brgemm
 * convolution then sizes its blocks from L1 = L2 = 0 and divides by zero for many 1×1 shapes
 * (SIGFPE in {@code brg_blocking_t::est_eff_1x1}, which kills the JVM); shapes that survive get
 * blocking planned for 1-byte caches.
 *
 * <p>{@link #mend()} finds that object in the loaded {@code libtorch_cpu.so} (its symbol, from the
 * file's symbol table, at the library's load address), checks that it holds exactly that
 * signature (1–{@value #MAX_LEVELS} levels, each under 1 KiB), and only then writes the sizes
 * oneDNN itself assumes when it finds no cache levels (32 KiB L1, 512 KiB L2, 1 MiB L3 per core).
 * Anything unexpected (another build, another layout, caches that look real) leaves the memory
 * untouched, and the kernel probes still guard every kernel. Off with
 * {@code -Djclip.mendOneDnnCaches=false}.
 */
public final class OneDnnCaches {
    /** The switch ({@code false} leaves the sizes alone) and the sizes to write instead of oneDNN's defaults. */
    static final String MEND_PROPERTY = "jclip.mendOneDnnCaches", SIZES_PROPERTY = "jclip.oneDnnCacheSizes";
    static final boolean ENABLED = !"false".equals(System.getProperty(MEND_PROPERTY));
    /** Xbyak's {@code Cpu}: data cache sizes at +0x1c, cores sharing each at +0x44, the level count at +0x6c (10 slots each). */
    private static final int SIZES = 0x1c, SHARING = 0x44, LEVELS = 0x6c, MAX_LEVELS = 3;
    /** What oneDNN's {@code get_per_core_cache_size} assumes without cache levels (bytes per core, L1–L3). */
    static final long[] ONEDNN_GUESS = {32 * 1024, 512 * 1024, 1024 * 1024};
    private static final String OBJECT = "_ZZN4dnnl4impl3cpu3x643cpuEvE4cpu_", GUARD = "_ZGVZN4dnnl4impl3cpu3x643cpuEvE4cpu_";
    private static volatile String status;

    private OneDnnCaches() {
    }

    /**
     * Mends oneDNN's cache sizes once per process if they are the broken 1-byte kind; returns what
     * was found and done, in words ({@code clip doctor}). Call before oneDNN plans any kernel.
     */
    public static String mend() {
        String s = status;
        if (s == null) {
            synchronized (OneDnnCaches.class) {
                if ((s = status) == null) {
                    s = status = mendNow();
                }
            }
        }
        return s;
    }

    /** True when this process's oneDNN cache sizes were rewritten. */
    public static boolean mended() {
        return mend().startsWith("mended");
    }

    /** What the sizes oneDNN plans with add to the kernel verdicts' cache key: empty unless mended. */
    static String cacheKeyPart() {
        return mended() ? "|caches-mended" + java.util.Objects.toString(System.getProperty(SIZES_PROPERTY), "") : "";
    }

    private static String mendNow() {
        if (Cpu.get().hasCacheTopology()) {
            return "not needed: the CPU reports its caches";
        }
        if (!ENABLED) {
            return "left as oneDNN read them (-Djclip.mendOneDnnCaches=false)";
        }
        try {
            NativeLibraries.load();
            Path lib = null;
            long base = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && f[5].endsWith("/libtorch_cpu.so") && Long.parseLong(f[2], 16) == 0) {
                    lib = Path.of(f[5]);
                    base = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
                    break;
                }
            }
            if (lib == null) {
                return "left alone: libtorch_cpu.so is not mapped";
            }
            long[] at = symbols(lib, OBJECT, GUARD);
            if (at[0] == 0 || at[1] == 0) {
                return "left alone: " + lib.getFileName() + " has no symbol for oneDNN's CPU object";
            }
            sun.misc.Unsafe u = unsafe();
            long obj = base + at[0], guard = base + at[1];
            if (u.getByte(guard) == 0) {
                touchOneDnn();
            }
            if (u.getByte(guard) == 0) {
                return "left alone: oneDNN's CPU object is not built yet";
            }
            int levels = u.getInt(obj + LEVELS);
            int[] sizes = new int[10], sharing = new int[levels >= 1 && levels <= 10 ? levels : 0];
            for (int i = 0; i < 10; i++) {
                sizes[i] = u.getInt(obj + SIZES + 4L * i);
            }
            for (int i = 0; i < sharing.length; i++) {
                sharing[i] = u.getInt(obj + SHARING + 4L * i);
            }
            if (!brokenKind(levels, sizes, sharing)) {
                return "left alone: oneDNN's cache sizes are not the 1-byte kind (" + levels + " levels, "
                        + Arrays.toString(Arrays.copyOf(sizes, Math.max(0, Math.min(levels, 10)))) + " bytes)";
            }
            long[] perCore = perCore();
            for (int i = 0; i < levels; i++) {
                u.putInt(obj + SIZES + 4L * i, (int) Math.min(Integer.MAX_VALUE, perCore[i] * sharing[i]));
            }
            return String.format(Locale.ROOT, "mended: oneDNN read %d cache levels of %s bytes (empty CPUID cache leaves); "
                    + "set to %s per core", levels, join(Arrays.copyOf(sizes, levels)), describe(perCore, levels));
        } catch (IOException | RuntimeException | ReflectiveOperationException | LinkageError e) {
            return "left alone: " + e;
        }
    }

    /**
     * oneDNN builds its CPU object on first use. A tiny 3×3 convolution (a kind no probe has seen
     * fail: its blocking has no division by the cache sizes) makes it do that now.
     */
    private static void touchOneDnn() {
        try (PointerScope scope = new PointerScope();
             NoGradGuard ng = new NoGradGuard()) {
            Tensor x = torch.ones(2, 8, 6, 6)
                    .contiguous(torch.MemoryFormat.ChannelsLast);
            Tensor w = torch.ones(8, 8, 3, 3)
                    .contiguous(torch.MemoryFormat.ChannelsLast);
            torch.conv2d(x, w, new TensorOptional(),
                    new long[]{1, 1}, new long[]{1, 1}, new long[]{1, 1}, 1);
        }
    }

    /**
     * The signature of Xbyak's reading of empty cache leaves: 1–3 levels, each under 1 KiB and
     * shared by 1–1024 cores, every slot past the levels zero. Anything else is left as it is.
     */
    static boolean brokenKind(int levels, int[] sizes, int[] sharing) {
        if (levels < 1 || levels > MAX_LEVELS || sharing.length < levels || sizes.length < 10) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            boolean ok = i < levels ? sizes[i] >= 0 && sizes[i] < 1024 && sharing[i] >= 1 && sharing[i] <= 1024 : sizes[i] == 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String join(int[] v) {
        StringBuilder b = new StringBuilder();
        for (int x : v) {
            b.append(b.length() > 0 ? "/" : "").append(x);
        }
        return b.toString();
    }

    /** oneDNN's own defaults, or the bytes per core in {@code -Djclip.oneDnnCacheSizes=L1,L2,L3} (to measure others). */
    private static long[] perCore() {
        String spec = System.getProperty(SIZES_PROPERTY);
        if (spec == null) {
            return ONEDNN_GUESS.clone();
        }
        long[] v = Arrays.stream(spec.split(",")).mapToLong(x -> Long.parseLong(x.trim())).toArray();
        return v.length == 3 ? v : ONEDNN_GUESS.clone();
    }

    private static String describe(long[] perCore, int levels) {
        StringBuilder b = new StringBuilder(Arrays.equals(perCore, ONEDNN_GUESS) ? "oneDNN's own defaults, " : "");
        for (int i = 0; i < levels; i++) {
            long v = perCore[i];
            b.append(i > 0 ? ", " : "").append('L').append(i + 1).append(' ')
                    .append(v % (1024 * 1024) == 0 ? v / (1024 * 1024) + " MiB" : v / 1024 + " KiB");
        }
        return b.toString();
    }

    /** Values (addresses relative to the load base) of the named symbols in an ELF64 file's symbol table; 0 when absent. */
    static long[] symbols(Path elf, String... names) throws IOException {
        long[] out = new long[names.length];
        byte[][] want = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            want[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        try (RandomAccessFile f = new RandomAccessFile(elf.toFile(), "r"); FileChannel ch = f.getChannel()) {
            MappedByteBuffer head = ch.map(FileChannel.MapMode.READ_ONLY, 0, 64);
            head.order(ByteOrder.LITTLE_ENDIAN);
            if (head.getInt(0) != 0x464c457f || head.get(4) != 2) {
                throw new IOException(elf + " is not a 64-bit ELF file");
            }
            long shoff = head.getLong(0x28);
            int shentsize = head.getShort(0x3a) & 0xffff, shnum = head.getShort(0x3c) & 0xffff;
            MappedByteBuffer sh = ch.map(FileChannel.MapMode.READ_ONLY, shoff, (long) shentsize * shnum);
            sh.order(ByteOrder.LITTLE_ENDIAN);
            for (int s = 0; s < shnum; s++) {
                int base = s * shentsize;
                if (sh.getInt(base + 4) != 2) { // SHT_SYMTAB
                    continue;
                }
                long off = sh.getLong(base + 0x18), size = sh.getLong(base + 0x20);
                int link = sh.getInt(base + 0x28);
                long strOff = sh.getLong(link * shentsize + 0x18), strSize = sh.getLong(link * shentsize + 0x20);
                MappedByteBuffer sym = ch.map(FileChannel.MapMode.READ_ONLY, off, size);
                MappedByteBuffer str = ch.map(FileChannel.MapMode.READ_ONLY, strOff, strSize);
                sym.order(ByteOrder.LITTLE_ENDIAN);
                for (long e = 0; e + 24 <= size; e += 24) {
                    int name = sym.getInt((int) e);
                    for (int i = 0; i < names.length; i++) {
                        if (out[i] == 0 && matches(str, name, want[i])) {
                            out[i] = sym.getLong((int) e + 8);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean matches(MappedByteBuffer str, int at, byte[] name) {
        if (at < 0 || at + name.length >= str.limit() || str.get(at + name.length) != 0) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (str.get(at + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
        var f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return (sun.misc.Unsafe) f.get(null);
    }
}
