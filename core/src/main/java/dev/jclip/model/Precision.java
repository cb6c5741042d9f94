package dev.jclip.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Numeric precision of inference: the one seam a model consults to decide how its matrix
 * products run. {@link #FP32} is the reference path that the parity tests check; {@link #BF16}
 * keeps weights in bfloat16 for the CPU's matrix engine (AMX, AVX512-BF16) with normalization,
 * softmax and the final features in float32; {@link #INT8} runs the transformer's linear layers on
 * dynamically quantized int8 kernels; {@link #AUTO} picks BF16 where the CPU has native bf16
 * matrix instructions and FP32 elsewhere, so a machine without them is never slower.
 */
public enum Precision {
    FP32, BF16, INT8, AUTO;

    /** Parses {@code fp32|bf16|int8|auto} (and the long spellings float32, bfloat16). */
    public static Precision parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).trim()) {
            case "fp32", "float32", "f32" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            case "int8", "i8" -> INT8;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("unknown precision '" + s + "' (fp32, bf16, int8, auto)");
        };
    }

    /** The concrete precision to run: {@link #AUTO} resolved against this CPU, others unchanged. */
    public Precision resolve() {
        if (this != AUTO) {
            return this;
        }
        return CpuFeatures.get().hasNativeBf16() ? BF16 : FP32;
    }

    /** Lower-case name as accepted by {@link #parse} and recorded in indexes and outputs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The CPU's matrix-engine flags, read once from /proc/cpuinfo. */
    public record CpuFeatures(Set<String> flags) {
        private static volatile CpuFeatures cached;

        /**
         * This CPU's flags, capped by {@code ONEDNN_MAX_CPU_ISA} when set: oneDNN then runs no
         * instructions above that level, so a bf16 path would be emulated and {@code auto} must not
         * pick it.
         */
        public static CpuFeatures get() {
            CpuFeatures c = cached;
            if (c == null) {
                c = cached = read(Path.of("/proc/cpuinfo")).cappedBy(System.getenv("ONEDNN_MAX_CPU_ISA"));
            }
            return c;
        }

        /** These flags without the matrix-engine ones that oneDNN's ISA cap {@code isa} rules out. */
        public CpuFeatures cappedBy(String isa) {
            if (isa == null || isa.isBlank()) {
                return this;
            }
            String cap = isa.trim().toUpperCase(Locale.ROOT);
            if (cap.equals("ALL") || cap.contains("AMX")) {
                return this;
            }
            java.util.Set<String> kept = new java.util.HashSet<>(flags);
            kept.removeIf(f -> f.startsWith("amx_"));
            if (!cap.contains("BF16")) {
                kept.remove("avx512_bf16");
            }
            if (!cap.startsWith("AVX512")) {
                kept.removeIf(f -> f.startsWith("avx512"));
            }
            return new CpuFeatures(Set.copyOf(kept));
        }

        static CpuFeatures read(Path cpuinfo) {
            try {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("flags")) {
                        int colon = line.indexOf(':');
                        return new CpuFeatures(Set.of(line.substring(colon + 1).trim().split("\\s+")));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux or unreadable: assume nothing, which means fp32 under auto
            }
            return new CpuFeatures(Set.of());
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

        /** A short description for reports: the best matrix instructions present. */
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
    }
}
