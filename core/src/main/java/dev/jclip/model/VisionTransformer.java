package dev.jclip.model;

import dev.jclip.runtime.Precision;
import dev.jclip.model.layers.Params;

import dev.jclip.model.layers.Conv2d;
import dev.jclip.model.layers.LayerNorm;
import dev.jclip.model.layers.PackedWeight;
import dev.jclip.runtime.PackedLinear;
import dev.jclip.model.layers.Transformer;
import dev.jclip.tensor.Scopes;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * CLIP's ViT: bias-free patch convolution, class token, positional embedding, ln_pre, pre-LN
 * blocks, ln_post on the class token, then the projection.
 */
public final class VisionTransformer extends Module implements ImageTower {
    public final Conv2d conv1;
    public final Tensor classEmbedding;
    public final Tensor positionalEmbedding;
    public final LayerNorm lnPre;
    public final Transformer transformer;
    public final LayerNorm lnPost;
    public final Tensor proj;
    private final long width;
    private final PackedWeight projection;

    public VisionTransformer(int resolution, int patch, int width, int layers, int heads, int outDim) {
        this.width = width;
        double scale = Math.pow(width, -0.5);
        int grid = resolution / patch;
        conv1 = register_module("conv1", new Conv2d(3, width, patch, patch, 0));
        classEmbedding = Params.parameter(this, "class_embedding", torch.randn(width).mul_(new org.bytedeco.pytorch.Scalar(scale)));
        positionalEmbedding = Params.parameter(this, "positional_embedding",
                torch.randn((long) grid * grid + 1, width).mul_(new org.bytedeco.pytorch.Scalar(scale)));
        lnPre = register_module("ln_pre", new LayerNorm(width));
        transformer = register_module("transformer", new Transformer(width, layers, heads));
        lnPost = register_module("ln_post", new LayerNorm(width));
        proj = Params.parameter(this, "proj", torch.randn(width, outDim).mul_(new org.bytedeco.pytorch.Scalar(scale)));
        projection = new PackedWeight(proj, true);
    }

    /** Patch embedding, class token and position: the transformer's input [N, 1 + grid², width]. */
    public Tensor embed(Tensor pixels) {
        Tensor x = conv1.forward(Precisions.isBf16(pixels) ? pixels : pixels.to(conv1.weight.scalar_type()));
        long n = x.size(0);
        x = x.flatten(2, -1).transpose(1, 2);
        Tensor cls = classEmbedding.to(x.scalar_type()).view(1, 1, width).expand(n, 1, width);
        x = torch.cat(new TensorVector(cls, x), 1).add(positionalEmbedding.to(x.scalar_type()));
        return lnPre.forward(x);
    }

    /** ln_post on the class token, then the projection (both in float32 when the tower ran in bf16). */
    public Tensor head(Tensor x) {
        Tensor cls = x.select(1, 0);
        if (Precisions.isBf16(cls)) {
            cls = cls.to(torch.ScalarType.Float);
        }
        Tensor y = lnPost.forward(cls);
        return !is_training() && PackedLinear.serves(y) ? projection.apply(y, null) : y.matmul(proj);
    }

    /** Makes (or drops, for FP32) the bf16 copies of every matrix the tower multiplies by. */
    void prepare(Precision p) {
        if (p == Precision.BF16) {
            conv1.prepareBf16();
        } else {
            conv1.release();
        }
        for (var b : transformer.blocks()) {
            Precisions.prepare(b, p);
        }
    }

    @Override
    public Tensor forward(Tensor pixels) {
        Tensor x = Scopes.keep(() -> embed(pixels));
        return head(transformer.forward(x, false));
    }
}
