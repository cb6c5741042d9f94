package dev.jclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.model.StateDicts;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.tensor.Torch;
import dev.jclip.testing.Shared;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two optimizer steps of contrastive training in train mode reproduce the reference: loss,
 * every gradient, the AdamW update in isolation and the BatchNorm running statistics, with the
 * comparisons of fixtures/README.md.
 */
class TrainingStepParityTest {

    @org.junit.jupiter.api.AfterEach
    void restoreMachine() {
        dev.jclip.runtime.Machine.reset(null);
    }

    /**
     * {@code rn-t routed}: the ResNet again with every oneDNN convolution's probe made to die, as on
     * a CPU where they crash: its training runs on the matrix-product route, within the same tolerances.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vit-t", "rn-t", "rn-t routed"})
    void twoStepsMatchReference(String variant, @org.junit.jupiter.api.io.TempDir Path probeCache) throws Exception {
        String name = variant.split(" ")[0];
        if (variant.endsWith(" routed")) {
            dev.jclip.runtime.Machine.reset(dev.jclip.runtime.Machine.withCache(probeCache,
                    "conv1x1/fp32,conv1x1/bf16,conv3x3/fp32,conv3x3/bf16"));
            org.junit.jupiter.api.Assertions.assertFalse(dev.jclip.runtime.Machine.get().runs(
                    dev.jclip.runtime.Kernel.parse("conv3x3/fp32")));
        }
        Path dir = Shared.fixtures("training/" + name);
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
        ClipConfig cfg = ClipConfig.fromJson(meta.get("config"));
        JsonNode o = meta.get("optimizer");
        AdamW.Options opts = new AdamW.Options(o.get("lr").asDouble(), o.get("weight_decay").asDouble(),
                o.get("betas").get(0).asDouble(), o.get("betas").get(1).asDouble(), o.get("eps").asDouble());

        Map<String, HostTensor> state = SafeTensors.read(dir.resolve("initial.safetensors"));
        Map<String, HostTensor> prevGrads = null;
        for (int k = 0; k < 2; k++) {
            Map<String, HostTensor> ref = SafeTensors.read(dir.resolve("step" + k + ".safetensors"));
            ClipModel model = ClipModel.shapeOnly(cfg);
            StateDicts.load(model, state);
            model.train(true);

            // forward + backward from the state before this step
            // through the trainer's step runner (features as leaves, distinct captions encoded once)
            HostTensor tok = ref.get("batch.tokens");
            long[] flat = tok.toLongArray();
            int rowsN = (int) tok.shape()[0], len = (int) tok.shape()[1];
            java.util.List<long[]> rows = new java.util.ArrayList<>();
            for (int r = 0; r < rowsN; r++) {
                rows.add(java.util.Arrays.copyOfRange(flat, r * len, (r + 1) * len));
            }
            double l = new StepRunner(model, StepRunner.Options.plain()).run(Torch.toTorchFloat(ref.get("batch.pixels")), rows);
            double lref = ref.get("loss").toFloatArray()[0];
            System.out.printf("%s step %d: loss %.7f ref %.7f rel %.2e%n", name, k, l, lref, Math.abs(l - lref) / Math.abs(lref));
            assertTrue(Math.abs(l - lref) <= 1e-5 * Math.abs(lref), "loss");

            Map<String, Tensor> params = model.namedParameters(true);
            double worstGrad = 0;
            String worstName = "";
            for (var e : params.entrySet()) {
                HostTensor g = ref.get("grad." + e.getKey());
                assertNotNull(g, "reference gradient of " + e.getKey());
                float[] mine = e.getValue().grad().defined() ? Torch.toFloatArray(e.getValue().grad()) : new float[(int) g.numel()];
                float[] theirs = g.toFloatArray();
                double maxRef = 0, maxDiff = 0;
                for (int i = 0; i < theirs.length; i++) {
                    maxRef = Math.max(maxRef, Math.abs(theirs[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(mine[i] - theirs[i]));
                }
                double bound = 1e-4 * maxRef + 1e-6;
                assertTrue(maxDiff <= bound, "gradient of " + e.getKey() + ": max|Δ| " + maxDiff + " > " + bound);
                if (maxDiff / bound > worstGrad) {
                    worstGrad = maxDiff / bound;
                    worstName = e.getKey();
                }
            }
            System.out.printf("%s step %d: %d gradients within bound; worst %s at %.2f of its bound%n",
                    name, k, params.size(), worstName, worstGrad);

            // BatchNorm running statistics after this step's forward
            double worstStat = 0;
            for (var e : model.stateDict().entrySet()) {
                if (e.getKey().contains("running_")) {
                    double d = Parity.maxAbs(Torch.toFloatArray(e.getValue()), ref.get("after." + e.getKey()).toFloatArray());
                    worstStat = Math.max(worstStat, d);
                    assertTrue(d <= 1e-5, "running statistic " + e.getKey() + " off by " + d);
                }
            }
            if (cfg.isVit()) {
                assertEquals(0.0, worstStat);
            } else {
                System.out.printf("%s step %d: BatchNorm running statistics max|Δ| %.2e%n", name, k, worstStat);
            }

            // the optimizer in isolation, from the reference gradients
            ClipModel isolated = ClipModel.shapeOnly(cfg);
            StateDicts.load(isolated, state);
            Map<String, Tensor> ip = isolated.namedParameters(true);
            AdamW adam = new AdamW(ip, ParamGroups.noDecay(ip), opts);
            if (prevGrads != null) {
                adam.load(adamStateAfterOneStep(prevGrads, ip, opts));
            }
            for (var e : ip.entrySet()) {
                e.getValue().mutable_grad().put(Torch.toTorchFloat(ref.get("grad." + e.getKey())));
            }
            adam.step();
            isolated.clampLogitScale();
            double worstParam = 0;
            for (var e : ip.entrySet()) {
                double d = Parity.maxAbs(Torch.toFloatArray(e.getValue()), ref.get("after." + e.getKey()).toFloatArray());
                worstParam = Math.max(worstParam, d);
                assertTrue(d <= 1e-6, "parameter " + e.getKey() + " after AdamW off by " + d);
            }
            System.out.printf("%s step %d: AdamW on reference gradients, parameters max|Δ| %.2e%n", name, k, worstParam);

            Map<String, HostTensor> next = new LinkedHashMap<>();
            ref.forEach((key, v) -> {
                if (key.startsWith("after.")) {
                    next.put(key.substring(6), v);
                }
            });
            state = next;
            prevGrads = new HashMap<>();
            for (String p : ip.keySet()) {
                prevGrads.put(p, ref.get("grad." + p));
            }
        }
    }

    /** Adam's state after one step from gradients g₀: m = (1−β₁)g₀, v = (1−β₂)g₀², step 1. */
    private static Map<String, HostTensor> adamStateAfterOneStep(Map<String, HostTensor> g0, Map<String, Tensor> params,
                                                                 AdamW.Options o) {
        Map<String, HostTensor> s = new HashMap<>();
        s.put("step", HostTensor.ofLongs(new long[]{1}));
        try (NoGradGuard ng = new NoGradGuard()) {
            for (String p : params.keySet()) {
                Tensor g = Torch.toTorchFloat(g0.get(p));
                s.put(p + ".exp_avg", Torch.toHost(g.mul(new Scalar(1 - o.beta1()))));
                s.put(p + ".exp_avg_sq", Torch.toHost(g.mul(g).mul(new Scalar(1 - o.beta2()))));
            }
        }
        return s;
    }
}
