package dev.jclip.model;

import dev.jclip.runtime.Precision;
import dev.jclip.model.layers.Params;

import dev.jclip.model.layers.Conv2d;
import dev.jclip.model.layers.LayerNorm;
import dev.jclip.model.layers.LinearWeights;
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
    private final long patch;
    private final PackedWeight projection;
    /**
     * In int8, the patch convolution as what it is, one product over the flattened patches,
     * on the same dynamic int8 kernel as the blocks' linears (ViT-B/32 on Zen 4: 23 ms of a 265 ms
     * batch in fp32); null otherwise.
     */
    private LinearWeights patchInt8;

    public VisionTransformer(int resolution, int patch, int width, int layers, int heads, int outDim) {
        this.width = width;
        this.patch = patch;
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
        long n = pixels.size(0);
        Tensor x = patchInt8 != null && !Precisions.isBf16(pixels) ? patchProduct(pixels)
                : conv1.forward(Precisions.isBf16(pixels) ? pixels : pixels.to(conv1.weight.scalar_type()))
                        .flatten(2, -1).transpose(1, 2);
        Tensor cls = classEmbedding.to(x.scalar_type()).view(1, 1, width).expand(n, 1, width);
        x = torch.cat(new TensorVector(cls, x), 1).add(positionalEmbedding.to(x.scalar_type()));
        return lnPre.forward(x);
    }

    /** [N, 3, H, W] to the patch tokens [N, (H/p)(W/p), width]: the convolution's arithmetic, in int8. */
    private Tensor patchProduct(Tensor pixels) {
        long n = pixels.size(0), gh = pixels.size(2) / patch, gw = pixels.size(3) / patch;
        Tensor px = pixels.to(torch.ScalarType.Float).narrow(2, 0, gh * patch).narrow(3, 0, gw * patch);
        // patch rows in the weight's (channel, row, column) order
        Tensor rows = px.reshape(n, 3, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5).reshape(n * gh * gw, 3 * patch * patch);
        return patchInt8.apply(rows, true).view(n, gh * gw, width);
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
        patchInt8 = null;
        if (p == Precision.INT8) {
            LinearWeights w = new LinearWeights(conv1.weight.view(width, -1), null);
            w.prepareInt8();
            patchInt8 = w;
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
