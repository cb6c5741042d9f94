package dev.jclip.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What jclip knows about this machine and what it decided, in one report ({@code clip doctor}):
 * the CPU and its cache topology (or its absence), what oneDNN and OpenBLAS detect, each kernel
 * probe's verdict, and what {@code auto} picks per tower and why. The GEMM ceilings are added by
 * the caller, which owns the benchmark.
 */
public final class Doctor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Doctor() {
    }

    /** The report as JSON (see the class comment). */
    public static ObjectNode report(Machine m) {
        ObjectNode o = JSON.createObjectNode();
        Cpu c = m.cpu();
        ObjectNode cpu = o.putObject("cpu");
        cpu.put("model", c.modelName());
        cpu.put("vendor", c.vendor());
        cpu.put("family", c.family());
        cpu.put("model_number", c.model());
        cpu.put("stepping", c.stepping());
        cpu.put("matrix_engine", c.describe());
        cpu.put("native_bf16", c.hasNativeBf16());
        ArrayNode flags = cpu.putArray("kernel_flags");
        c.kernelFlags().forEach(flags::add);
        ArrayNode caches = cpu.putArray("caches");
        c.caches().forEach(x -> caches.add(x.toString()));
        cpu.put("cache_topology_visible", c.hasCacheTopology());
        cpu.put("signature", c.signature());
        cpu.put("cores_available", Runtime.getRuntime().availableProcessors());
        ObjectNode threads = o.putObject("threads");
        threads.put("jclip", torch.get_num_threads());
        threads.put("jclip_default", ComputeThreads.defaultCount());
        threads.put("libtorch_default", ComputeThreads.libtorchDefault());
        String cap = Cpu.oneDnnIsaCap();
        ObjectNode dnn = o.putObject("onednn");
        if (cap != null) {
            dnn.put("max_cpu_isa", cap);
        }
        dnn.put("cache_sizes", OneDnnCaches.mend());
        ArrayNode info = dnn.putArray("info");
        KernelProbe.oneDnnInfo().forEach(info::add);
        OpenBlas b = OpenBlas.get();
        ObjectNode blas = o.putObject("openblas");
        blas.put("core", b.core());
        blas.put("core_forced", b.coreForced());
        if (b.forcedCore() != null) {
            blas.put("OPENBLAS_CORETYPE", b.forcedCore());
        }
        if (b.l2Size() != null) {
            blas.put("OPENBLAS_L2_SIZE", b.l2Size());
        }
        blas.put("config", b.config());
        blas.put("threads", b.threads());
        blas.put("idle_spin_log2_cycles", b.idleSpin());
        blas.put("idle_threads_spin", b.idleThreadsSpin());
        NativeHeap heap = NativeHeap.get();
        ObjectNode mem = o.putObject("native_heap");
        mem.put("tuned", heap.tuned());
        mem.put("defaults", heap.defaults());
        mem.put("why", heap.describe());
        ObjectNode probes = o.putObject("probes");
        probes.put("source", m.verdictSource());
        probes.put("cache_key", m.cacheKey());
        ArrayNode vs = probes.putArray("verdicts");
        for (KernelProbe.Verdict v : m.verdicts().values()) {
            ObjectNode x = vs.addObject();
            x.put("kernel", v.kernel().id());
            x.put("ok", v.ok());
            if (v.ok() && !Double.isNaN(v.ms())) {
                x.put("drift", v.drift());
                x.put("ms", v.ms());
            }
            if (!v.detail().isEmpty()) {
                x.put("detail", v.detail());
            }
            if (!v.ok()) {
                x.put("route", Machine.route(v.kernel()));
            }
        }
        ObjectNode lin = o.putObject("fp32_linear");
        lin.put("path", m.linearPath(Precision.FP32));
        lin.put("why", linearWhy(m, Precision.FP32));
        ObjectNode lin16 = o.putObject("bf16_linear");
        lin16.put("path", m.linearPath(Precision.BF16));
        lin16.put("why", linearWhy(m, Precision.BF16));
        ObjectNode auto = o.putObject("auto");
        for (TowerKind t : TowerKind.values()) {
            ObjectNode x = auto.putObject(t.name().toLowerCase(Locale.ROOT));
            Precision pick = m.pick(t);
            x.put("pick", pick.label());
            ObjectNode est = x.putObject("estimated_time_vs_fp32");
            m.choices(t).forEach((p, r) -> est.put(p.label(), Math.round(r * 1000) / 1000.0));
            x.put("why", why(m, t, pick));
        }
        auto.put("training", m.trainingPick().label());
        ObjectNode split = o.putObject("batch_split");
        split.put("mode", BatchSplit.mode());
        split.put("why", BatchSplit.describeMode(torch.get_num_threads()));
        return o;
    }

    private static String linearWhy(Machine m, Precision p) {
        KernelProbe.Verdict packed = m.verdicts().get(new Kernel(Kernel.Family.PACKED_LINEAR, p));
        KernelProbe.Verdict eager = m.verdicts().get(new Kernel(Kernel.Family.LINEAR, p));
        String eagerName = p == Precision.FP32 ? "OpenBLAS" : "oneDNN reordering the weight per call";
        if (packed == null || !packed.ok()) {
            return "oneDNN's packed linear " + (packed == null ? "was not probed" : "failed its probe") + "; " + eagerName + " serves";
        }
        String times = eager != null && eager.ok()
                ? String.format(Locale.ROOT, "probe %.2f ms against %s %.2f ms (used up to %.2f×)", packed.ms(),
                        eagerName, eager.ms(), Machine.PACKED_MARGIN)
                : "the eager linear failed its probe";
        return (m.packedLinear(p) ? "oneDNN with weights prepacked: " : eagerName + ": the packed kernel is slower here, ") + times
                + (p == Precision.FP32 ? "; with gradients off only (training keeps OpenBLAS)" : "; with gradients off only");
    }

    private static String why(Machine m, TowerKind t, Precision pick) {
        StringBuilder s = new StringBuilder();
        Map<Precision, Double> ch = m.choices(t);
        if (pick != Precision.FP32) {
            s.append(String.format(Locale.ROOT, "%s passed its probes and is estimated at %.2f× fp32's time", pick.label(), ch.get(pick)));
        } else {
            s.append("fp32, the reference path");
        }
        for (Precision p : List.of(Precision.BF16, Precision.INT8)) {
            if (p == pick || ch.containsKey(p)) {
                continue;
            }
            s.append("; ").append(p.label()).append(": ");
            if (!m.canRun(p, t)) {
                s.append("its kernels failed their probe");
            } else if (p == Precision.BF16 && !m.cpu().hasNativeBf16()) {
                s.append("emulated on this CPU (no AVX512-BF16 or AMX)");
            } else {
                s.append("not at least ").append(Math.round((1 - Machine.AUTO_MARGIN) * 100)).append("% faster than fp32");
            }
        }
        return s.toString();
    }

    /** The report as text for people. */
    public static String text(ObjectNode o) {
        StringBuilder s = new StringBuilder();
        var cpu = o.get("cpu");
        s.append(String.format("CPU        %s (%s family %d model %d stepping %d), %d cores available%n", cpu.get("model").asText(),
                cpu.get("vendor").asText(), cpu.get("family").asInt(), cpu.get("model_number").asInt(), cpu.get("stepping").asInt(),
                cpu.get("cores_available").asInt()));
        s.append(String.format("           matrix engine: %s; native bf16: %s%n", cpu.get("matrix_engine").asText(),
                cpu.get("native_bf16").asBoolean() ? "yes" : "no"));
        StringBuilder fl = new StringBuilder();
        cpu.get("kernel_flags").forEach(f -> fl.append(f.asText()).append(' '));
        s.append("           flags: ").append(fl.toString().trim()).append('\n');
        if (cpu.get("cache_topology_visible").asBoolean()) {
            StringBuilder cs = new StringBuilder();
            cpu.get("caches").forEach(c -> cs.append(cs.length() > 0 ? ", " : "").append(c.asText()));
            s.append("           caches (per core 0): ").append(cs).append('\n');
        } else {
            s.append("           caches: NONE VISIBLE (/sys/devices/system/cpu/cpu0/cache absent, CPUID cache leaves empty)\n");
        }
        var th = o.get("threads");
        if (th != null) {
            s.append(String.format("Threads    %d computing (commands default to %d, one per physical core); libtorch's own default here: %d%s%n",
                    th.get("jclip").asInt(), th.get("jclip_default").asInt(), th.get("libtorch_default").asInt(),
                    th.get("libtorch_default").asInt() < th.get("jclip_default").asInt()
                            ? " (its cpuinfo counted fewer cores than Linux lists)" : ""));
        }
        var dnn = o.get("onednn");
        s.append("oneDNN     ");
        if (dnn.has("cache_sizes")) {
            s.append("cache sizes ").append(dnn.get("cache_sizes").asText()).append("\n           ");
        }
        if (dnn.has("max_cpu_isa")) {
            s.append("ONEDNN_MAX_CPU_ISA=").append(dnn.get("max_cpu_isa").asText()).append("; ");
        }
        StringBuilder di = new StringBuilder();
        dnn.get("info").forEach(l -> di.append(di.length() > 0 ? "\n           " : "").append(l.asText()));
        s.append(di.length() > 0 ? di : "no report").append('\n');
        var blas = o.get("openblas");
        s.append(String.format("OpenBLAS   core %s (%s), %d threads%n", blas.get("core").asText(),
                blas.get("core_forced").asBoolean() ? "forced by OPENBLAS_CORETYPE=" + blas.get("OPENBLAS_CORETYPE").asText()
                        : "detected", blas.get("threads").asInt()));
        if (blas.has("OPENBLAS_L2_SIZE")) {
            s.append("           OPENBLAS_L2_SIZE=").append(blas.get("OPENBLAS_L2_SIZE").asText()).append('\n');
        }
        s.append("           ").append(blas.get("config").asText()).append('\n');
        int spin = blas.get("idle_spin_log2_cycles").asInt();
        s.append(blas.get("idle_threads_spin").asBoolean()
                ? "           idle threads spin 2^" + spin + " cycles after each product, taking the cores from the next\n"
                        + "           operation: set OPENBLAS_THREAD_TIMEOUT=4 before the JVM starts (./clip does)\n"
                : "           idle threads sleep after 2^" + spin + " cycles (OPENBLAS_THREAD_TIMEOUT)\n");
        if (o.has("native_heap")) {
            s.append("heap       ").append(o.get("native_heap").get("why").asText()).append('\n');
        }
        if (o.has("gemm")) {
            var g = o.get("gemm");
            var c = g.path("ceiling");
            s.append(String.format("GEMM       ceilings: fp32 %.0f GFLOP/s, bf16 %.0f GFLOP/s, int8 %.0f GOP/s (%d threads)%n",
                    c.path("fp32_gflop_per_s").asDouble(), c.path("bf16_gflop_per_s").asDouble(),
                    c.path("int8_gop_per_s").asDouble(), g.path("threads").asInt()));
        }
        var probes = o.get("probes");
        s.append("Probes     ").append(probes.get("source").asText()).append('\n');
        for (var v : probes.get("verdicts")) {
            if (v.get("ok").asBoolean()) {
                s.append(String.format(Locale.ROOT, "           %-18s ok      drift %-9.2g %8.2f ms%s%n", v.get("kernel").asText(),
                        v.path("drift").asDouble(Double.NaN), v.path("ms").asDouble(Double.NaN),
                        v.has("detail") ? "  " + v.get("detail").asText() : ""));
            } else {
                s.append(String.format("           %-18s FAILED  %s%n                              -> %s%n", v.get("kernel").asText(),
                        v.get("detail").asText(), v.get("route").asText()));
            }
        }
        for (String lin : List.of("fp32_linear", "bf16_linear")) {
            s.append(lin.replace('_', ' ')).append(' ').append(o.get(lin).get("path").asText()).append(": ")
                    .append(o.get(lin).get("why").asText()).append('\n');
        }
        var auto = o.get("auto");
        for (TowerKind t : TowerKind.values()) {
            var x = auto.get(t.name().toLowerCase(Locale.ROOT));
            s.append(String.format("auto %-6s %s: %s%n", t.name().toLowerCase(Locale.ROOT), x.get("pick").asText(), x.get("why").asText()));
        }
        s.append("auto train  ").append(auto.get("training").asText()).append('\n');
        if (o.has("batch_split")) {
            s.append("batch split ").append(o.get("batch_split").get("mode").asText()).append(": ")
                    .append(o.get("batch_split").get("why").asText()).append('\n');
        }
        return s.toString();
    }
}
