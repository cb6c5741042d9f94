package dev.jclip.model;

import dev.jclip.runtime.Precision;
import dev.jclip.Clip;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;

import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a child JVM by {@link PrecisionFallbackTest}: prints what {@code auto} resolves to and the
 * bf16 drift of the vit-s fixture under whatever {@code ONEDNN_MAX_CPU_ISA} the parent set.
 */
public final class PrecisionProbe {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Map<String, HostTensor> io = SafeTensors.read(dir.resolve("io.safetensors"));
        Clip ref = Clip.of(ModelLoader.load(dir.resolve("openai_state_dict.pt")).model());
        Clip bf16 = Clip.of(ModelLoader.load(dir.resolve("openai_state_dict.pt")).model().setPrecision(Precision.BF16));
        double ci = Int8InferenceTest.minCosine(ref.encodePixels(io.get("pixels")), bf16.encodePixels(io.get("pixels")));
        double ct = Int8InferenceTest.minCosine(ref.encodeTokens(io.get("tokens")), bf16.encodeTokens(io.get("tokens")));
        System.out.println("auto=" + Precision.AUTO.resolve(dev.jclip.runtime.TowerKind.VIT).label() + " cpu=" + dev.jclip.runtime.Cpu.get().describe()
                + " image=" + ci + " text=" + ct);
    }
}
