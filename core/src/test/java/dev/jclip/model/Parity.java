package dev.jclip.model;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.Torch;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/** Runs a model on a fixture's io.safetensors inputs and measures the errors against its outputs. */
final class Parity {
    record Errors(double image, double text, double logits) {
        @Override
        public String toString() {
            return String.format("image %.2e  text %.2e  logits %.2e", image, text, logits);
        }
    }

    static Errors run(ClipModel model, Map<String, HostTensor> io) {
        model.eval();
        try (InferenceMode im = new InferenceMode()) {
            Tensor img = model.encodeImage(Torch.toTorchFloat(io.get("pixels")));
            Tensor txt = model.encodeText(Torch.toTorch(io.get("tokens")));
            Tensor logits = model.logitsPerImage(img, txt);
            return new Errors(maxAbs(Torch.toFloatArray(img), io.get("image_features").toFloatArray()),
                    maxAbs(Torch.toFloatArray(txt), io.get("text_features").toFloatArray()),
                    maxAbs(Torch.toFloatArray(logits), io.get("logits_per_image").toFloatArray()));
        }
    }

    static double maxAbs(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            m = Math.max(m, d);
        }
        return m;
    }
}
