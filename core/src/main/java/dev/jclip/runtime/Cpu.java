package dev.jclip.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The processor jclip runs on, as Linux reports it: identity, instruction-set flags and the cache
 * topology. The topology matters beyond reports: oneDNN sizes its convolution blocking from the
 * cache sizes the CPU reports, and a VM that reports none (some Zen 5 clouds) gives it zeros to
 * divide by. Only this package reads {@code /proc/cpuinfo}.
 *
 * @param vendor    {@code vendor_id}, e.g. AuthenticAMD
 * @param modelName the marketing name
 * @param family    CPU family (decimal)
 * @param model     model number within the family
 * @param stepping  stepping
 * @param flags     instruction-set flags
 * @param caches    the caches {@code /sys/devices/system/cpu/cpu0/cache} lists; empty when it is absent
 */
public record Cpu(String vendor, String modelName, int family, int model, int stepping, Set<String> flags,
                  List<Cache> caches) {

    /** One cache of CPU 0. @param level 1–3 @param type Data, Instruction or Unified @param bytes its size */
    public record Cache(int level, String type, long bytes) {
        @Override
        public String toString() {
            return "L" + level + (type.startsWith("D") ? "d" : type.startsWith("I") ? "i" : "") + " " + (bytes >> 10) + " KiB";
        }
    }

    private static volatile Cpu cached;

    public Cpu {
        flags = Set.copyOf(flags);
        caches = List.copyOf(caches);
    }

    /** A CPU known only by its flags (tests, and what a capped ISA leaves). */
    public static Cpu ofFlags(Set<String> flags) {
        return new Cpu("unknown", "unknown", 0, 0, 0, flags, List.of());
    }

    /**
     * This machine's CPU, capped by {@code ONEDNN_MAX_CPU_ISA} when set: oneDNN then runs no
     * instructions above that level, so a bf16 path would be emulated and must not be picked.
     */
    public static Cpu get() {
        Cpu c = cached;
        if (c == null) {
            c = cached = read(Path.of("/proc/cpuinfo"), Path.of("/sys/devices/system/cpu/cpu0/cache"))
                    .cappedBy(System.getenv("ONEDNN_MAX_CPU_ISA"));
        }
        return c;
    }

    /** The oneDNN ISA cap in force ({@code ONEDNN_MAX_CPU_ISA}), or null. */
    public static String oneDnnIsaCap() {
        String s = System.getenv("ONEDNN_MAX_CPU_ISA");
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** These flags without the matrix-engine ones that oneDNN's ISA cap {@code isa} rules out. */
    public Cpu cappedBy(String isa) {
        if (isa == null || isa.isBlank()) {
            return this;
        }
        String cap = isa.trim().toUpperCase(Locale.ROOT);
        if (cap.equals("ALL") || cap.contains("AMX")) {
            return this;
        }
        Set<String> kept = new HashSet<>(flags);
        kept.removeIf(f -> f.startsWith("amx_"));
        if (!cap.contains("BF16")) {
            kept.remove("avx512_bf16");
        }
        if (!cap.startsWith("AVX512")) {
            kept.removeIf(f -> f.startsWith("avx512"));
        }
        return new Cpu(vendor, modelName, family, model, stepping, kept, caches);
    }

    static Cpu read(Path cpuinfo, Path cacheDir) {
        String vendor = "unknown", name = "unknown";
        int family = 0, model = 0, stepping = 0;
        Set<String> flags = Set.of();
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    if (line.isBlank() && !flags.isEmpty()) {
                        break; // the first processor is enough
                    }
                    continue;
                }
                String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
                switch (key) {
                    case "vendor_id" -> vendor = value;
                    case "model name" -> name = value;
                    case "cpu family" -> family = parseInt(value);
                    case "model" -> model = parseInt(value);
                    case "stepping" -> stepping = parseInt(value);
                    case "flags" -> flags = Set.of(value.split("\\s+"));
                    default -> {
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or unreadable: assume nothing, which means fp32 under auto
        }
        return new Cpu(vendor, name, family, model, stepping, flags, readCaches(cacheDir));
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static List<Cache> readCaches(Path dir) {
        List<Cache> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path index : s.filter(p -> p.getFileName().toString().startsWith("index")).sorted().toList()) {
                try {
                    int level = Integer.parseInt(Files.readString(index.resolve("level")).trim());
                    String type = Files.readString(index.resolve("type")).trim();
                    out.add(new Cache(level, type, parseSize(Files.readString(index.resolve("size")).trim())));
                } catch (IOException | RuntimeException e) {
                    // an unreadable entry is as good as none
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    static long parseSize(String s) {
        String t = s.toUpperCase(Locale.ROOT);
        long mult = t.endsWith("K") ? 1024 : t.endsWith("M") ? 1024 * 1024 : 1;
        return Long.parseLong(mult == 1 ? t : t.substring(0, t.length() - 1)) * mult;
    }

    /** Whether the OS sees any cache of this CPU (absent on some VMs). */
    public boolean hasCacheTopology() {
        return !caches.isEmpty();
    }

    public boolean hasAmx() {
        return flags.contains("amx_bf16") && flags.contains("amx_tile");
    }

    /** AMX or AVX512-BF16: bf16 matrix products run natively rather than emulated. */
    public boolean hasNativeBf16() {
        return hasAmx() || flags.contains("avx512_bf16");
    }

    public boolean hasAmxInt8() {
        return flags.contains("amx_int8");
    }

    public boolean hasVnni() {
        return flags.contains("avx512_vnni") || flags.contains("avx_vnni");
    }

    /** The best matrix instructions present, for reports. */
    public String describe() {
        if (hasAmx()) {
            return "AMX (amx_bf16" + (hasAmxInt8() ? ", amx_int8" : "") + ")";
        }
        if (flags.contains("avx512_bf16")) {
            return "AVX512-BF16";
        }
        if (flags.contains("avx512f")) {
            return "AVX-512" + (hasVnni() ? " VNNI" : "");
        }
        if (flags.contains("avx2")) {
            return "AVX2" + (hasVnni() ? " VNNI" : "");
        }
        return "no AVX2";
    }

    /** The flags that decide kernels (SIMD and matrix extensions), sorted. */
    public Set<String> kernelFlags() {
        Set<String> out = new TreeSet<>();
        for (String f : flags) {
            if (f.startsWith("avx") || f.startsWith("amx") || f.startsWith("sse") || f.equals("fma") || f.equals("f16c")
                    || f.equals("topoext")) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * A file-name-safe key for verdicts measured on this CPU: the same vendor, family, model,
     * stepping, kernel flags and cache topology run the same native code the same way.
     */
    public String signature() {
        String caps = String.join(",", kernelFlags()) + "|" + caches;
        return (vendor + "-" + family + "-" + model + "-" + stepping).replaceAll("[^A-Za-z0-9.-]", "_") + "-"
                + Integer.toHexString(caps.hashCode());
    }
}
