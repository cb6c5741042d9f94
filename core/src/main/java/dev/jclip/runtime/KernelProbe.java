package dev.jclip.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Checks native kernels in child JVMs ({@link ProbeChild}) before this process first runs them:
 * a kernel that crashes, hangs or computes wrong numbers there gets a failing verdict, and the
 * process that asked never runs it. One child runs every kernel in turn; when it dies, the kernel
 * it had begun is the culprit and a new child takes the rest.
 */
public final class KernelProbe {
    /** Set in the child, so that its own layers never probe again. */
    static final String CHILD_PROPERTY = "jclip.probe.child";
    /**
     * Part of the verdicts' cache key, raised whenever a probe checks more: a verdict from an older
     * probe is not trusted. 2: 1×1 convolutions are created for every channel pair of CLIP's
     * ResNets (a Zen 5 VM passed the single-shape probe of version 1, then crashed on RN50).
     * 3: times are the fastest call, on the parent's threads. 4: bf16 linear layers are timed on
     * bf16 activations, as the towers run them (converting per call put bf16 behind int8 on AMX,
     * where bf16 ran ViT-B/32 1.6× faster), and the packed bf16 linear is probed.
     */
    static final int VERSION = 4;
    /**
     * The fault switch: kernel ids (comma-separated, or {@code all}) whose probe kills the child
     * JVM with a real SIGSEGV, to test how the parent reacts on a machine where nothing crashes.
     */
    public static final String FAULT_PROPERTY = "jclip.probe.fault", FAULT_ENV = "JCLIP_PROBE_FAULT";
    /** The parent's compute threads, for the child. */
    static final String THREADS_PROPERTY = "jclip.probe.threads";
    private static final long TIMEOUT_SECONDS = 180;
    /** The detail of a kernel no probe reached. */
    static final String UNPROBED = "not probed: ";

    /**
     * The outcome of one kernel's probe.
     *
     * @param kernel which kernel
     * @param ok     whether it ran and matched float64 within its tolerance
     * @param detail the failure (crash with its exit status, hang, error, drift), {@value #UNPROBED}… when
     *               no probe could run it, or empty
     * @param drift  relative error against float64 (1 − cosine for int8); NaN when it failed
     * @param ms     milliseconds per call on batch-16 shapes; NaN when it failed
     */
    public record Verdict(Kernel kernel, boolean ok, String detail, double drift, double ms) {
    }

    private KernelProbe() {
    }

    /** The fault switch's kernel ids from {@code spec} (property or environment value). */
    static Set<String> faults(String spec) {
        if (spec == null || spec.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(spec.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The fault switch in force: {@value #FAULT_PROPERTY}, else {@value #FAULT_ENV}; null when off. */
    static String faultSpec() {
        String p = System.getProperty(FAULT_PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(FAULT_ENV);
        }
        return p == null || p.isBlank() ? null : p.trim();
    }

    /** Probes {@code kernels}, as many children as it takes, and returns a verdict for each. */
    public static Map<Kernel, Verdict> run(List<Kernel> kernels, String fault) {
        Map<Kernel, Verdict> out = new LinkedHashMap<>();
        List<Kernel> left = new ArrayList<>(kernels);
        while (!left.isEmpty()) {
            ChildRun r = runChild(left, fault);
            out.putAll(r.verdicts);
            left.removeIf(out::containsKey);
            if (r.culprit != null) {
                out.put(r.culprit, new Verdict(r.culprit, false, r.death, Double.NaN, Double.NaN));
                left.remove(r.culprit);
            } else if (!left.isEmpty()) {
                // the child never reached them (it could not start, say): nothing is known against
                // them, so they run as before, unprobed, and nothing is cached
                for (Kernel k : left) {
                    out.put(k, new Verdict(k, true, UNPROBED + r.death, Double.NaN, Double.NaN));
                }
                left.clear();
            }
        }
        return out;
    }

    private record ChildRun(Map<Kernel, Verdict> verdicts, Kernel culprit, String death) {
    }

    private static ChildRun runChild(List<Kernel> kernels, String fault) {
        Map<Kernel, Verdict> verdicts = new LinkedHashMap<>();
        Kernel begun = null;
        Path errDir = null;
        try {
            errDir = Files.createTempDirectory("jclip-probe");
            List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx1g", "-XX:+UseSerialGC",
                    "-XX:ErrorFile=" + errDir.resolve("hs_err_%p.log"), "-XX:-CreateCoredumpOnCrash",
                    "-cp", System.getProperty("java.class.path")));
            if (fault != null) {
                cmd.add("-D" + FAULT_PROPERTY + "=" + fault);
            }
            // kernels are timed on the threads the parent computes with, not libtorch's default in the child
            cmd.add("-D" + THREADS_PROPERTY + "=" + org.bytedeco.pytorch.global.torch.get_num_threads());
            // and see oneDNN's cache sizes as the parent does: a child that mended them would pass
            // kernels that crash an unmended parent
            for (String prop : List.of(OneDnnCaches.MEND_PROPERTY, OneDnnCaches.SIZES_PROPERTY)) {
                if (System.getProperty(prop) != null) {
                    cmd.add("-D" + prop + "=" + System.getProperty(prop));
                }
            }
            cmd.add(ProbeChild.class.getName());
            kernels.forEach(k -> cmd.add(k.id()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            StringBuilder tail = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
                String line;
                // a hung kernel is found by the watchdog below, which kills the child and ends this read
                Thread watchdog = watchdog(p, deadline);
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("begin ")) {
                        begun = Kernel.parse(line.substring(6).trim());
                    } else if (line.startsWith("ok ") || line.startsWith("fail ")) {
                        Verdict v = parse(line);
                        verdicts.put(v.kernel(), v);
                        begun = null;
                    } else if (tail.length() < 4000) {
                        tail.append(line).append('\n');
                    }
                }
                watchdog.interrupt();
            }
            int code = p.waitFor();
            boolean hung = Boolean.TRUE.equals(HUNG.get(p.pid()));
            HUNG.remove(p.pid());
            String death = hung ? "hung (no result in " + TIMEOUT_SECONDS + " s; killed)"
                    : code == 0 ? "the probe ended before reaching it" : describeDeath(code, errDir);
            if (code != 0 && begun == null && tail.length() > 0) {
                death += ": " + tail.toString().lines().limit(3).collect(Collectors.joining(" | "));
            }
            return new ChildRun(verdicts, begun, death);
        } catch (IOException e) {
            return new ChildRun(verdicts, begun, "the probe JVM could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ChildRun(verdicts, begun, "interrupted");
        } finally {
            deleteQuietly(errDir);
        }
    }

    private static final Map<Long, Boolean> HUNG = new java.util.concurrent.ConcurrentHashMap<>();

    private static Thread watchdog(Process p, long deadline) {
        Thread t = new Thread(() -> {
            try {
                long wait = deadline - System.nanoTime();
                if (wait > 0 && !p.waitFor(wait, TimeUnit.NANOSECONDS)) {
                    HUNG.put(p.pid(), true);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // the child finished first
            }
        }, "jclip-probe-watchdog");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** What killed the child: the signal (from the exit status and the JVM's hs_err file) or the status. */
    private static String describeDeath(int code, Path errDir) {
        String signal = null;
        try (var files = Files.list(errDir)) {
            for (Path f : files.toList()) {
                for (String l : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    if (l.startsWith("#  SIG") || l.contains(" (0x") && l.startsWith("#  ")) {
                        signal = l.substring(1).trim();
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no hs_err file: the exit status is all there is
        }
        return "crashed the JVM (exit status " + code + (signal != null ? ", " + signal : "") + ")";
    }

    static Verdict parse(String line) {
        String[] f = line.split(" ", 3);
        Kernel k = Kernel.parse(f[1]);
        if (f[0].equals("fail")) {
            return new Verdict(k, false, f.length > 2 ? f[2] : "failed", Double.NaN, Double.NaN);
        }
        double drift = Double.NaN, ms = Double.NaN;
        for (String kv : (f.length > 2 ? f[2] : "").split(" ")) {
            if (kv.startsWith("drift=")) {
                drift = Double.parseDouble(kv.substring(6));
            } else if (kv.startsWith("ms=")) {
                ms = Double.parseDouble(kv.substring(3));
            }
        }
        return new Verdict(k, true, "", drift, ms);
    }

    /**
     * What oneDNN reports about this CPU ({@code ONEDNN_VERBOSE}'s info lines: its version and the
     * ISA it dispatches to), from a child JVM that creates one convolution: oneDNN prints them
     * before it builds the primitive, so a CPU on which that primitive dies still gets its report.
     */
    public static List<String> oneDnnInfo() {
        try {
            List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:-CreateCoredumpOnCrash",
                    "-XX:ErrorFile=/dev/null", "-cp", System.getProperty("java.class.path"), ProbeChild.class.getName(), "conv3x3/fp32"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("ONEDNN_VERBOSE", "1");
            Process p = pb.start();
            List<String> info = new ArrayList<>();
            String last = "";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        last = line;
                    }
                    if (line.startsWith("onednn_verbose") && line.contains(",info,")) {
                        String rest = line.substring(line.indexOf(",info,") + 6);
                        if (!rest.startsWith("template") && !rest.startsWith("prim_template") && !rest.startsWith("gpu")) {
                            info.add(rest);
                        }
                    }
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            if (info.isEmpty()) {
                // Say why rather than print nothing: the reader needs to know whether oneDNN is absent or the child failed.
                info.add("no report: the ONEDNN_VERBOSE child " + (p.isAlive() ? "timed out" : "exited with " + p.exitValue())
                        + (last.isEmpty() ? "" : "; its last line: " + last));
            }
            return info;
        } catch (IOException e) {
            return List.of("unavailable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of("interrupted");
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
