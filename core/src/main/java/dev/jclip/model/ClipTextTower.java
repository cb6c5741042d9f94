package dev.jclip.model;

import dev.jclip.tensor.Torch;
import dev.jclip.tokenizer.ClipTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.List;

/** CLIP's own text tower: the byte-level BPE tokenizer and the model's causal transformer. */
public final class ClipTextTower implements TextTower {
    private static final int BATCH = 256;
    private final ClipModel model;

    ClipTextTower(ClipModel model) {
        this.model = model;
    }

    @Override
    public String kind() {
        return "clip";
    }

    @Override
    public List<long[]> rows(List<String> texts) {
        return Arrays.asList(ClipTokenizer.get().tokenize(texts, model.config().contextLength(), true));
    }

    @Override
    public float[][] encode(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i += BATCH) {
            List<String> chunk = texts.subList(i, Math.min(texts.size(), i + BATCH));
            try (PointerScope scope = new PointerScope(); InferenceMode im = new InferenceMode()) {
                Tensor t = Torch.toTorch(ClipTokenizer.get().tokenizeTensor(chunk, model.config().contextLength(), true));
                Tensor e = model.encodeText(t);
                float[] v = Torch.toFloatArray(e);
                int d = (int) e.size(1);
                for (int j = 0; j < chunk.size(); j++) {
                    out[i + j] = Arrays.copyOfRange(v, j * d, (j + 1) * d);
                }
            }
        }
        return out;
    }
}
