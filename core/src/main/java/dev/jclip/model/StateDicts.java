package dev.jclip.model;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Moves weights between host state dicts (reference key names) and a {@link ClipModel}. */
public final class StateDicts {
    /** Integer entries that released TorchScript archives carry and the reference deletes. */
    static final Set<String> IGNORED = Set.of("input_resolution", "context_length", "vocab_size");

    private StateDicts() {
    }

    /** The shapes of a host state dict, without the ignored integer entries. */
    public static Map<String, long[]> shapes(Map<String, HostTensor> sd) {
        Map<String, long[]> out = new LinkedHashMap<>();
        sd.forEach((k, v) -> {
            if (!IGNORED.contains(k)) {
                out.put(k, v.shape());
            }
        });
        return out;
    }

    /**
     * Copies every tensor into the model, upcasting F16/BF16 to the parameter's float32. All names
     * and shapes are checked first; any mismatch fails before anything is copied.
     * A missing {@code num_batches_tracked} is tolerated (it never affects outputs).
     */
    public static void load(ClipModel model, Map<String, HostTensor> sd) throws StateDictMismatchException {
        load(model, sd, TowerSelection.BOTH);
    }

    /**
     * As {@link #load(ClipModel, Map)} for the given towers only: the other tower's keys are
     * neither required nor copied (the check of names and shapes still covers them when present).
     */
    public static void load(ClipModel model, Map<String, HostTensor> sd, TowerSelection towers) throws StateDictMismatchException {
        Map<String, Tensor> target = model.stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (String k : target.keySet()) {
            if (towers.includes(k) && !sd.containsKey(k) && !k.endsWith("num_batches_tracked")) {
                missing.add(k);
            }
        }
        for (Map.Entry<String, HostTensor> e : sd.entrySet()) {
            String k = e.getKey();
            if (IGNORED.contains(k)) {
                continue;
            }
            Tensor t = target.get(k);
            if (t == null) {
                unexpected.add(k);
            } else if (!Arrays.equals(Torch.shape(t), e.getValue().shape())) {
                mismatched.add(k + " " + Arrays.toString(e.getValue().shape()) + " vs model " + Arrays.toString(Torch.shape(t)));
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new StateDictMismatchException(missing, unexpected, mismatched);
        }
        try (NoGradGuard ng = new NoGradGuard()) {
            for (Map.Entry<String, HostTensor> e : sd.entrySet()) {
                Tensor t = target.get(e.getKey());
                if (t != null && towers.includes(e.getKey())) {
                    try (PointerScope scope = new PointerScope()) {
                        t.copy_(Torch.toTorch(e.getValue()));
                    }
                }
            }
        }
    }

    /** A host copy of the model's parameters and buffers (float32, reference names). */
    public static Map<String, HostTensor> toHost(ClipModel model) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> out.put(k, Torch.toHost(v.detach())));
        return out;
    }
}
