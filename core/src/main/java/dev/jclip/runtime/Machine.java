package dev.jclip.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The machine jclip computes on, and every decision that follows from it: which native kernels
 * may run (each checked once in a child JVM by {@link KernelProbe}, the verdicts cached per CPU
 * signature and jclip/libtorch version under the cache directory), which path a failed kernel
 * takes instead, and which precision {@link Precision#AUTO} means for each tower. Models and
 * trainers consult this one seam; nothing else reads the CPU.
 */
public final class Machine {
    private static volatile Machine instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    /** Share of a tower's time spent in each kernel family (ViT-B/32, RN50, the text transformer at batch 16). */
    private static final Map<TowerKind, Map<Kernel.Family, Double>> SHARES = Map.of(
            TowerKind.VIT, Map.of(Kernel.Family.LINEAR, 0.9, Kernel.Family.ATTENTION, 0.1),
            TowerKind.TEXT, Map.of(Kernel.Family.LINEAR, 0.9, Kernel.Family.ATTENTION, 0.1),
            TowerKind.RESNET, Map.of(Kernel.Family.CONV3X3, 0.5, Kernel.Family.CONV1X1, 0.4, Kernel.Family.LINEAR, 0.1));
    /** A lower precision must be this much faster than fp32 for auto to give up the reference path. */
    static final double AUTO_MARGIN = 0.9;
    /** The packed fp32 linear may be this much slower than OpenBLAS's in the probe and still be used. */
    static final double PACKED_MARGIN = 1.25;

    private final Cpu cpu;
    private final Path cacheDir;
    private final String fault;
    private volatile Map<Kernel, KernelProbe.Verdict> verdicts;
    private volatile String verdictSource = "not probed yet";
    private final Map<Precision, Boolean> packedLinear = new java.util.concurrent.ConcurrentHashMap<>();

    Machine(Cpu cpu, Path cacheDir, String fault) {
        this.cpu = cpu;
        this.cacheDir = cacheDir;
        this.fault = fault;
    }

    /** This process's machine. */
    public static Machine get() {
        Machine m = instance;
        if (m == null) {
            synchronized (Machine.class) {
                if ((m = instance) == null) {
                    NativeLibraries.load();
                    OneDnnCaches.mend(); // before oneDNN plans any kernel of this process
                    m = instance = new Machine(Cpu.get(), dev.jclip.download.ModelCache.defaultDir().resolve("runtime"),
                            KernelProbe.faultSpec());
                }
            }
        }
        return m;
    }

    /** Replaces this process's machine (tests: a fault switch or a fresh cache directory); null to rebuild on next use. */
    public static void reset(Machine m) {
        instance = m;
    }

    /** A machine with the given cache directory and fault switch (tests). */
    public static Machine withCache(Path cacheDir, String fault) {
        return new Machine(Cpu.get(), cacheDir, fault);
    }

    public Cpu cpu() {
        return cpu;
    }

    /** Whether {@code k} passed its probe here (in a probe child every kernel is trusted). */
    public boolean runs(Kernel k) {
        if (Boolean.getBoolean(KernelProbe.CHILD_PROPERTY)) {
            return true;
        }
        KernelProbe.Verdict v = verdicts().get(k);
        return v == null || v.ok();
    }

    /** Every kernel's verdict, probing first if this machine has none cached. */
    public Map<Kernel, KernelProbe.Verdict> verdicts() {
        Map<Kernel, KernelProbe.Verdict> v = verdicts;
        if (v == null) {
            synchronized (this) {
                if ((v = verdicts) == null) {
                    v = verdicts = loadOrProbe();
                    announce(v);
                }
            }
        }
        return v;
    }

    /** Where the verdicts came from: the cache file, or a probe run just now. */
    public String verdictSource() {
        verdicts();
        return verdictSource;
    }

    /** The key verdicts are cached under: CPU signature, versions, and the variables that steer kernels. */
    public String cacheKey() {
        // the probes' timings (packed linear against OpenBLAS, auto's estimates) depend on the idle
        // spin; unset it adds nothing, so caches made before it was part of the key stay valid
        String timeout = System.getenv("OPENBLAS_THREAD_TIMEOUT");
        String env = Objects.toString(System.getenv("ONEDNN_MAX_CPU_ISA"), "") + "|"
                + Objects.toString(System.getenv("OPENBLAS_CORETYPE"), "") + "|" + Objects.toString(System.getenv("OPENBLAS_L2_SIZE"), "")
                + (timeout == null ? "" : "|" + timeout) + OneDnnCaches.cacheKeyPart()
                + (NativeHeap.get().tuned() ? "|heap" : ""); // page faults weigh on each precision differently
        // the probe times kernels on this process's threads (the packed linear against OpenBLAS, auto's estimates)
        return cpu.signature() + "-jclip" + Versions.jclip() + "-probe" + KernelProbe.VERSION + "-t" + org.bytedeco.pytorch.global.torch.get_num_threads()
                + "-torch" + Versions.libtorch()
                + "-" + Integer.toHexString(env.hashCode());
    }

    private Path cacheFile() {
        return cacheDir.resolve("kernels-" + cacheKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
    }

    private Map<Kernel, KernelProbe.Verdict> loadOrProbe() {
        Path file = cacheFile();
        if (fault == null && Files.isRegularFile(file)) {
            try {
                Map<Kernel, KernelProbe.Verdict> m = read(JSON.readTree(file.toFile()));
                if (m.keySet().containsAll(Kernel.ALL)) {
                    verdictSource = "cached in " + file;
                    return m;
                }
            } catch (IOException | RuntimeException e) {
                // unreadable cache: probe again and overwrite it
            }
        }
        long t0 = System.nanoTime();
        Map<Kernel, KernelProbe.Verdict> m = KernelProbe.run(Kernel.ALL, fault);
        verdictSource = String.format(java.util.Locale.ROOT, "probed now in %.1f s%s", (System.nanoTime() - t0) / 1e9,
                fault != null ? " (fault switch " + fault + ": not cached)" : "");
        boolean unprobed = m.values().stream().anyMatch(v -> v.detail().startsWith(KernelProbe.UNPROBED));
        if (unprobed) {
            warnOnce("the kernel probe could not run (" + m.values().iterator().next().detail() + "); kernels run unchecked");
        }
        if (fault == null && !unprobed) {
            try {
                Files.createDirectories(cacheDir);
                Path tmp = Files.createTempFile(cacheDir, "kernels", ".tmp");
                JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), write(m));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                verdictSource += ", cached in " + file;
            } catch (IOException e) {
                verdictSource += " (cache not writable: " + e.getMessage() + ")";
            }
        }
        return m;
    }

    private static void announce(Map<Kernel, KernelProbe.Verdict> m) {
        for (KernelProbe.Verdict v : m.values()) {
            if (!v.ok()) {
                warnOnce("native kernel " + v.kernel().id() + " failed its probe on this CPU (" + v.detail() + "); "
                        + route(v.kernel()));
            }
        }
    }

    /** What jclip does instead of a failed kernel, in words. */
    static String route(Kernel k) {
        return switch (k.family()) {
            case CONV1X1 -> "its convolutions run as matrix products over each pixel's channels instead";
            case CONV3X3 -> "its convolutions run as matrix products (im2col + GEMM) instead";
            case PACKED_LINEAR -> k.precision() == Precision.FP32 ? "fp32 linear layers run on OpenBLAS instead"
                    : k.precision().label() + " linear layers run on the eager product instead";
            case LINEAR, ATTENTION -> k.precision() == Precision.FP32 ? "no other path exists; results may be wrong"
                    : k.precision().label() + " falls back to fp32 wherever it would run";
        };
    }

    /** Prints {@code message} to standard error once per process. */
    public static void warnOnce(String message) {
        if (WARNED.add(message)) {
            System.err.println("jclip: warning: " + message);
        }
    }

    /** Whether {@code p} can run {@code tower} here, on its own kernels or on a route around a failed one. */
    public boolean canRun(Precision p, TowerKind tower) {
        if (p == Precision.FP32) {
            return true; // failed fp32 convolutions have the GEMM route
        }
        for (Kernel.Family f : SHARES.get(tower).keySet()) {
            Kernel k = kernelFor(f, p);
            if (k.precision() != Precision.FP32 && !runs(k)) {
                // bf16 convolutions have the GEMM route too, if bf16 linear products run
                boolean conv = f == Kernel.Family.CONV1X1 || f == Kernel.Family.CONV3X3;
                if (!(conv && runs(new Kernel(Kernel.Family.LINEAR, p)))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code p} when it can run {@code tower} here, else FP32 with one warning that says why. */
    public Precision runnable(Precision p, TowerKind tower) {
        Precision r = p.resolve(tower);
        if (canRun(r, tower)) {
            return r;
        }
        warnOnce(r.label() + " kernels failed their probe on this CPU: the " + tower.name().toLowerCase(java.util.Locale.ROOT)
                + " tower runs fp32");
        return Precision.FP32;
    }

    /** The kernel a tower in precision {@code p} runs for family {@code f}: int8 has only linear kernels, the rest stay fp32. */
    static Kernel kernelFor(Kernel.Family f, Precision p) {
        Kernel k = new Kernel(f, p);
        return Kernel.ALL.contains(k) ? k : new Kernel(f, Precision.FP32);
    }

    /** Whether float32 inference linear layers run on {@link PackedLinear}: {@link #packedLinear(Precision)} for fp32. */
    public boolean packedLinear() {
        return packedLinear(Precision.FP32);
    }

    /**
     * Whether inference linear layers in {@code p} (fp32 or bf16) run on {@link PackedLinear}: its
     * probe passed and timed it at most {@value #PACKED_MARGIN}× the eager product on the same
     * shape (OpenBLAS in fp32, oneDNN reordering the weight per call in bf16). The margin leans
     * towards it because in fp32 its gain is mostly elsewhere: with no OpenBLAS threads spinning,
     * the operations between the products get both cores (see {@link PackedLinear}).
     */
    public boolean packedLinear(Precision p) {
        if (p != Precision.FP32 && p != Precision.BF16) {
            return false;
        }
        Boolean b = packedLinear.get(p); // asked per linear layer call: decided once
        if (b == null) {
            if (Boolean.getBoolean(KernelProbe.CHILD_PROPERTY)) {
                return false; // a probe child runs each kernel by name, never by route
            }
            KernelProbe.Verdict packed = verdicts().get(new Kernel(Kernel.Family.PACKED_LINEAR, p));
            KernelProbe.Verdict eager = verdicts().get(new Kernel(Kernel.Family.LINEAR, p));
            b = packed != null && packed.ok() && PackedLinear.available()
                    && (eager == null || !eager.ok() || !(packed.ms() > PACKED_MARGIN * eager.ms()));
            packedLinear.put(p, b);
        }
        return b;
    }

    /**
     * Where inference linear layers in {@code p} (fp32 or bf16) run here, in words (clip doctor,
     * bench JSON): the packed oneDNN product, else the eager one (OpenBLAS in fp32, oneDNN in bf16).
     */
    public String linearPath(Precision p) {
        return packedLinear(p) ? "onednn-packed" : p == Precision.FP32 ? "openblas" : "onednn";
    }

    /** The probe time of linear layers in {@code p} on the path inference takes. */
    private KernelProbe.Verdict inferenceLinear(Precision p) {
        return verdicts().get(new Kernel(packedLinear(p) ? Kernel.Family.PACKED_LINEAR : Kernel.Family.LINEAR, p));
    }

    /** What {@link Precision#AUTO} means for {@code tower}: see {@link #choices}. */
    public Precision pick(TowerKind tower) {
        return choices(tower).entrySet().stream().filter(e -> e.getValue() > 0)
                .min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(Precision.FP32);
    }

    /**
     * The calibrated choice for {@code tower}: each precision that can run it here with its time
     * estimated from the probes' timings (per family, weighted by the family's share of the
     * tower), relative to fp32; a lower precision counts only when it is at least
     * {@value #AUTO_MARGIN}× fp32's time, so auto is never slower than fp32. Absent precisions cannot run.
     */
    public Map<Precision, Double> choices(TowerKind tower) {
        Map<Precision, Double> out = new EnumMap<>(Precision.class);
        out.put(Precision.FP32, 1.0);
        for (Precision p : List.of(Precision.BF16, Precision.INT8)) {
            if (!canRun(p, tower) || (p == Precision.BF16 && !cpu.hasNativeBf16())) {
                continue; // emulated bf16 is never worth it, however a short timing came out
            }
            double cost = 0;
            for (Map.Entry<Kernel.Family, Double> e : SHARES.get(tower).entrySet()) {
                boolean linear = e.getKey() == Kernel.Family.LINEAR;
                KernelProbe.Verdict low = linear ? inferenceLinear(p) : verdicts().get(kernelFor(e.getKey(), p));
                KernelProbe.Verdict ref = linear ? inferenceLinear(Precision.FP32) : verdicts().get(new Kernel(e.getKey(), Precision.FP32));
                double ratio = low != null && ref != null && low.ok() && ref.ok() && ref.ms() > 0 ? low.ms() / ref.ms() : 1.0;
                cost += e.getValue() * ratio;
            }
            if (cost <= AUTO_MARGIN) {
                out.put(p, cost);
            }
        }
        return out;
    }

    /** What auto means for training: bf16 autocast where bf16 runs natively, passed its probe and pays; else fp32. */
    public Precision trainingPick() {
        return choices(TowerKind.VIT).containsKey(Precision.BF16) ? Precision.BF16 : Precision.FP32;
    }

    static ObjectNode write(Map<Kernel, KernelProbe.Verdict> m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", 1);
        ArrayNode a = root.putArray("verdicts");
        for (KernelProbe.Verdict v : m.values()) {
            ObjectNode o = a.addObject();
            o.put("kernel", v.kernel().id());
            o.put("ok", v.ok());
            o.put("detail", v.detail());
            if (v.ok()) {
                o.put("drift", v.drift());
                o.put("ms", v.ms());
            }
        }
        return root;
    }

    static Map<Kernel, KernelProbe.Verdict> read(JsonNode root) {
        Map<Kernel, KernelProbe.Verdict> m = new LinkedHashMap<>();
        for (JsonNode o : root.get("verdicts")) {
            Kernel k = Kernel.parse(o.get("kernel").asText());
            boolean ok = o.get("ok").asBoolean();
            m.put(k, new KernelProbe.Verdict(k, ok, o.path("detail").asText(""), ok ? o.get("drift").asDouble() : Double.NaN,
                    ok ? o.get("ms").asDouble() : Double.NaN));
        }
        return m;
    }
}
