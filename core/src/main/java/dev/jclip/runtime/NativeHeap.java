package dev.jclip.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How glibc's malloc serves libtorch's tensors in this process, read from the variables it takes
 * when the process starts. By default glibc maps every block above its (adaptive) mmap threshold
 * fresh from the kernel and gives freed memory back at once, so a forward pass whose activations
 * are megabytes each faults in and zeroes new pages for every operation: a third of the time of an
 * int8 ViT-B/32 batch and of the demo's training step went to page faults (Zen 5, 2 cores:
 * 392,000 faults in 30 steps; with {@link #SETTINGS} 155,000, the step 250 → 170 ms, int8
 * ViT-B/32 75–85 → 98–112 images/s). The three are set together because setting one turns off
 * glibc's adaptive threshold: the trim threshold alone made every block above 128 KiB a fresh
 * mapping (3.5 million faults, the step 4× slower). The cost is that freed memory stays with the
 * process until {@code malloc_trim} (which {@code ClipModel.close()} calls) or exit: the resident
 * size stays at its peak instead of falling between batches.
 *
 * @param set      the variables of {@link #SETTINGS} the environment sets, in that order
 * @param tunables {@code GLIBC_TUNABLES}, null when unset
 */
public record NativeHeap(Map<String, String> set, String tunables) {

    /**
     * What {@code ./clip}, the distributed launcher and the tests set unless the environment sets
     * any of them (or {@code GLIBC_TUNABLES}): blocks up to 4 GiB come from malloc's arenas,
     * which keep up to 4 GiB free and grow 256 MiB at a time.
     */
    public static final Map<String, String> SETTINGS = settings();

    private static Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("MALLOC_MMAP_THRESHOLD_", "4294967296");
        m.put("MALLOC_TRIM_THRESHOLD_", "4294967296");
        m.put("MALLOC_TOP_PAD_", "268435456");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** This process's settings. */
    public static NativeHeap get() {
        return of(System.getenv());
    }

    /** The settings in {@code env}, a process's environment. */
    public static NativeHeap of(Map<String, String> env) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String name : SETTINGS.keySet()) {
            String v = value(env, name);
            if (v != null) {
                set.put(name, v);
            }
        }
        return new NativeHeap(java.util.Collections.unmodifiableMap(set), value(env, "GLIBC_TUNABLES"));
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** Whether the environment leaves malloc's defaults: then tensors are mapped and unmapped per operation. */
    public boolean defaults() {
        return set.isEmpty() && (tunables == null || !tunables.contains("malloc"));
    }

    /**
     * Whether a process started with {@code env} should get {@link #SETTINGS}: the environment sets
     * none of malloc's variables and does not ask for glibc's defaults ({@code JCLIP_MALLOC=default}).
     */
    public static boolean wanted(Map<String, String> env) {
        return of(env).defaults() && !"default".equals(env.get("JCLIP_MALLOC"));
    }

    /** Whether this process runs with jclip's settings. */
    public boolean tuned() {
        return set.equals(SETTINGS);
    }

    /** One line for reports. */
    public String describe() {
        if (tuned()) {
            return "glibc malloc keeps tensors' memory (" + String.join(", ", SETTINGS.keySet()) + " as ./clip sets them)";
        }
        if (defaults()) {
            return "glibc malloc's defaults: large tensors are mapped and unmapped per operation (up to a third of a batch's "
                    + "time in page faults); set " + String.join(" ", SETTINGS.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    + " before the JVM starts (./clip does)";
        }
        StringBuilder s = new StringBuilder("glibc malloc as the environment sets it:");
        set.forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
        if (tunables != null) {
            s.append(" GLIBC_TUNABLES=").append(tunables);
        }
        return s.toString();
    }
}
