package dev.jclip.model;

import dev.jclip.model.layers.BatchNorm2d;
import dev.jclip.model.layers.Conv2d;
import dev.jclip.model.layers.ConvBn;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * CLIP's ResNet bottleneck: 1×1, 3×3, avgpool (when strided) then 1×1 (expansion 4); the
 * downsample branch is avgpool, 1×1 conv, BatchNorm (so every convolution has stride 1).
 */
public final class Bottleneck extends Module {
    static final int EXPANSION = 4;
    public final Conv2d conv1, conv2, conv3;
    public final BatchNorm2d bn1, bn2, bn3;
    public final Conv2d downConv;
    public final BatchNorm2d downBn;
    private final int stride;
    /** The convolution-BN pairs as one unit: folded and fused for inference (see {@link ConvBn}). */
    private final ConvBn unit1, unit2, unit3, downUnit;
    /** Java peers of container modules must stay reachable: libtorch calls back into them. */
    private final Module downsample;

    public Bottleneck(int inplanes, int planes, int stride) {
        this.stride = stride;
        conv1 = register_module("conv1", new Conv2d(inplanes, planes, 1, 1, 0));
        bn1 = register_module("bn1", new BatchNorm2d(planes));
        conv2 = register_module("conv2", new Conv2d(planes, planes, 3, 1, 1));
        bn2 = register_module("bn2", new BatchNorm2d(planes));
        conv3 = register_module("conv3", new Conv2d(planes, (long) planes * EXPANSION, 1, 1, 0));
        bn3 = register_module("bn3", new BatchNorm2d((long) planes * EXPANSION));
        if (stride > 1 || inplanes != planes * EXPANSION) {
            // the reference names the pooling "-1", which has no parameters
            Module ds = register_module("downsample", new Module());
            downsample = ds;
            downConv = ds.register_module("0", new Conv2d(inplanes, (long) planes * EXPANSION, 1, 1, 0));
            downBn = ds.register_module("1", new BatchNorm2d((long) planes * EXPANSION));
        } else {
            downConv = null;
            downBn = null;
            downsample = null;
        }
        unit1 = new ConvBn(conv1, bn1);
        unit2 = new ConvBn(conv2, bn2);
        unit3 = new ConvBn(conv3, bn3);
        downUnit = downConv == null ? null : new ConvBn(downConv, downBn);
    }

    /** Drops the inference copies of the folded convolutions. */
    void releaseFolded() {
        unit1.release();
        unit2.release();
        unit3.release();
        if (downUnit != null) {
            downUnit.release();
        }
    }

    /** Every convolution of the block, the downsample branch's included. */
    java.util.List<Conv2d> convolutions() {
        return downConv == null ? java.util.List.of(conv1, conv2, conv3) : java.util.List.of(conv1, conv2, conv3, downConv);
    }

    void freezeBatchNormStatistics(boolean frozen) {
        bn1.freezeStatistics(frozen);
        bn2.freezeStatistics(frozen);
        bn3.freezeStatistics(frozen);
        if (downBn != null) {
            downBn.freezeStatistics(frozen);
        }
    }

    public Tensor forward(Tensor x) {
        Tensor out = unit1.forward(x, null, true);
        out = unit2.forward(out, null, true);
        if (stride > 1) {
            out = torch.avg_pool2d(out, stride);
        }
        Tensor identity = x;
        if (downConv != null) {
            Tensor pooled = stride > 1 ? torch.avg_pool2d(x, stride) : x;
            identity = downUnit.forward(pooled, null, false);
        }
        // relu(bn3(conv3(out)) + identity): the sum and the ReLU ride on the convolution
        return unit3.forward(out, identity, true);
    }
}
