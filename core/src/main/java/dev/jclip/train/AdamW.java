package dev.jclip.train;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (decoupled weight decay) with exactly PyTorch's update order, over named parameters in
 * two groups (with and without weight decay). Its state is plain named tensors so it can be
 * checkpointed to safetensors and restored bit for bit.
 */
public final class AdamW {
    /** Hyper-parameters; lr is the base rate that a schedule scales. */
    public record Options(double lr, double weightDecay, double beta1, double beta2, double eps) {
        /** open_clip's defaults: ViTs use betas (0.9, 0.98) and eps 1e-6, others (0.9, 0.999) and 1e-8. */
        public static Options defaults(boolean vit) {
            return vit ? new Options(5e-4, 0.2, 0.9, 0.98, 1e-6) : new Options(5e-4, 0.2, 0.9, 0.999, 1e-8);
        }
    }

    private record Slot(String name, Tensor param, boolean decay, Tensor expAvg, Tensor expAvgSq) {
    }

    private final Options options;
    private final List<Slot> slots = new ArrayList<>();
    private long step;
    private double lr;

    /**
     * @param params  trainable parameters by name
     * @param noDecay names that get no weight decay (see {@link ParamGroups})
     */
    public AdamW(Map<String, Tensor> params, java.util.Set<String> noDecay, Options options) {
        this.options = options;
        this.lr = options.lr();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue();
            slots.add(new Slot(e.getKey(), p, !noDecay.contains(e.getKey()), torch.zeros_like(p), torch.zeros_like(p)));
        }
    }

    public Options options() {
        return options;
    }

    /** Sets the learning rate of the next step (schedules call this every step). */
    public void setLr(double lr) {
        this.lr = lr;
    }

    public double lr() {
        return lr;
    }

    public long stepCount() {
        return step;
    }

    /** The parameters this optimizer updates. */
    public List<Tensor> parameters() {
        List<Tensor> out = new ArrayList<>();
        for (Slot s : slots) {
            out.add(s.param);
        }
        return out;
    }

    /** Clears gradients (sets them undefined, as PyTorch's zero_grad(set_to_none=True)). */
    public void zeroGrad() {
        for (Slot s : slots) {
            Tensor g = s.param.grad();
            if (g.defined()) {
                s.param.mutable_grad().reset();
            }
        }
    }

    /** One update from the parameters' current gradients; parameters without a gradient are skipped. */
    public void step() {
        step++;
        double bc1 = 1 - Math.pow(options.beta1(), step);
        double bc2 = 1 - Math.pow(options.beta2(), step);
        double stepSize = lr / bc1;
        double bc2Sqrt = Math.sqrt(bc2);
        try (NoGradGuard ng = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            for (Slot s : slots) {
                Tensor g = s.param.grad();
                if (!g.defined()) {
                    continue;
                }
                if (s.decay && options.weightDecay() != 0) {
                    s.param.mul_(new Scalar(1 - lr * options.weightDecay()));
                }
                s.expAvg.lerp_(g, new Scalar(1 - options.beta1()));
                s.expAvgSq.mul_(new Scalar(options.beta2())).addcmul_(g, g, new Scalar(1 - options.beta2()));
                Tensor denom = s.expAvgSq.sqrt().div_(new Scalar(bc2Sqrt)).add_(new Scalar(options.eps()));
                s.param.addcdiv_(s.expAvg, denom, new Scalar(-stepSize));
            }
        }
    }

    /** The optimizer state as named host tensors ({@code <param>.exp_avg}, {@code .exp_avg_sq}, {@code step}). */
    public Map<String, HostTensor> state() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        out.put("step", HostTensor.ofLongs(new long[]{step}));
        for (Slot s : slots) {
            out.put(s.name + ".exp_avg", Torch.toHost(s.expAvg));
            out.put(s.name + ".exp_avg_sq", Torch.toHost(s.expAvgSq));
        }
        return out;
    }

    /** Restores a state written by {@link #state()}; every parameter's moments must be present. */
    public void load(Map<String, HostTensor> state) {
        HostTensor st = state.get("step");
        if (st == null) {
            throw new IllegalArgumentException("optimizer state lacks 'step'");
        }
        try (NoGradGuard ng = new NoGradGuard()) {
            for (Slot s : slots) {
                HostTensor m = state.get(s.name + ".exp_avg"), v = state.get(s.name + ".exp_avg_sq");
                if (m == null || v == null) {
                    throw new IllegalArgumentException("optimizer state lacks the moments of '" + s.name + "'");
                }
                try (PointerScope scope = new PointerScope()) {
                    s.expAvg.copy_(Torch.toTorch(m));
                    s.expAvgSq.copy_(Torch.toTorch(v));
                }
            }
        }
        step = st.toLongArray()[0];
    }
}
