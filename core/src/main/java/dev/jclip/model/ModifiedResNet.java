package dev.jclip.model;

import dev.jclip.runtime.Precision;
import dev.jclip.model.layers.BatchNorm2d;
import dev.jclip.model.layers.Conv2d;
import dev.jclip.model.layers.ConvBn;
import dev.jclip.tensor.Scopes;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * CLIP's ModifiedResNet: a 3-convolution stem with average pooling, four stages of
 * anti-aliased bottlenecks, and attention pooling instead of global average pooling.
 */
public final class ModifiedResNet extends Module implements ImageTower {
    public final Conv2d conv1, conv2, conv3;
    public final BatchNorm2d bn1, bn2, bn3;
    public final AttentionPool2d attnpool;
    private final List<List<Bottleneck>> stages;
    /** The stem's convolution-BN pairs, folded and fused for inference. */
    private final ConvBn stem1, stem2, stem3;
    /** Java peers of container modules must stay reachable: libtorch calls back into them. */
    private final List<Module> containers = new ArrayList<>();

    public ModifiedResNet(List<Integer> layers, int outDim, int heads, int resolution, int width) {
        int half = width / 2;
        conv1 = register_module("conv1", new Conv2d(3, half, 3, 2, 1));
        bn1 = register_module("bn1", new BatchNorm2d(half));
        conv2 = register_module("conv2", new Conv2d(half, half, 3, 1, 1));
        bn2 = register_module("bn2", new BatchNorm2d(half));
        conv3 = register_module("conv3", new Conv2d(half, width, 3, 1, 1));
        bn3 = register_module("bn3", new BatchNorm2d(width));
        stem1 = new ConvBn(conv1, bn1);
        stem2 = new ConvBn(conv2, bn2);
        stem3 = new ConvBn(conv3, bn3);
        List<List<Bottleneck>> s = new ArrayList<>();
        int inplanes = width;
        for (int i = 0; i < 4; i++) {
            int planes = width << i;
            Module stage = register_module("layer" + (i + 1), new Module());
            containers.add(stage);
            List<Bottleneck> blocks = new ArrayList<>();
            for (int b = 0; b < layers.get(i); b++) {
                int stride = b == 0 && i > 0 ? 2 : 1;
                blocks.add(stage.register_module(Integer.toString(b), new Bottleneck(inplanes, planes, stride)));
                inplanes = planes * Bottleneck.EXPANSION;
            }
            s.add(Collections.unmodifiableList(blocks));
        }
        stages = Collections.unmodifiableList(s);
        attnpool = register_module("attnpool", new AttentionPool2d(resolution / 32, width * 32, heads, outDim));
    }

    /**
     * Freezes (or unfreezes) the running statistics of every BatchNorm in the tower, so a
     * training-mode recomputation does not update them a second time.
     */
    public void freezeBatchNormStatistics(boolean frozen) {
        for (BatchNorm2d bn : new BatchNorm2d[]{bn1, bn2, bn3}) {
            bn.freezeStatistics(frozen);
        }
        for (List<Bottleneck> stage : stages) {
            for (Bottleneck b : stage) {
                b.freezeBatchNormStatistics(frozen);
            }
        }
    }

    /** Drops the folded convolution copies (rebuilt in the new precision on first use) and makes the attention pool's bf16 or int8 copies. */
    void prepare(Precision p) {
        List<Conv2d> convs = new ArrayList<>(List.of(conv1, conv2, conv3));
        for (List<Bottleneck> stage : stages) {
            for (Bottleneck b : stage) {
                convs.addAll(b.convolutions());
            }
        }
        for (ConvBn u : List.of(stem1, stem2, stem3)) {
            u.release();
        }
        for (List<Bottleneck> stage : stages) {
            for (Bottleneck b : stage) {
                b.releaseFolded();
            }
        }
        // Inference runs the folded copies (ConvBn), made in the precision of the first batch that
        // needs them; per-convolution bf16 copies would only double the weights in memory.
        for (Conv2d c : convs) {
            c.release();
        }
        attnpool.prepare(p);
    }

    /** The bottleneck blocks of the four stages. */
    public List<List<Bottleneck>> stages() {
        return stages;
    }

    /** The stem: three conv-BN-ReLU then 2×2 average pooling. */
    public Tensor stem(Tensor x) {
        if (!Precisions.isBf16(x)) {
            x = x.to(conv1.weight.scalar_type());
        }
        x = stem1.forward(x, null, true);
        x = stem2.forward(x, null, true);
        x = stem3.forward(x, null, true);
        return torch.avg_pool2d(x, 2);
    }

    @Override
    public Tensor forward(Tensor pixels) {
        Tensor x = Scopes.keep(() -> stem(pixels));
        for (List<Bottleneck> stage : stages) {
            for (Bottleneck b : stage) {
                Tensor in = x;
                x = Scopes.keep(() -> b.forward(in));
            }
        }
        Tensor last = x;
        return Scopes.keep(() -> attnpool.forward(last));
    }
}
