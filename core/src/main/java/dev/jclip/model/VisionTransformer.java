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
     * The patch convolution as what it is, one product over the flattened patches, for inference:
     * on the packed float32/bf16 kernels or the blocks' dynamic int8 one (ViT-B/32 b16 on Zen 5,
     * fp32: 12.5 ms as a convolution). A view of conv1's weight, so it follows a checkpoint load.
     */
    private final LinearWeights patchWeights;
    private static final boolean PATCH_PRODUCT = !"false".equals(System.getProperty("jclip.patchProduct"));

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
        patchWeights = new LinearWeights(Params.owned(conv1.weight.view(width, -1)), null);
    }

    /** Patch embedding, class token and position: the transformer's input [N, 1 + grid², width]. */
    public Tensor embed(Tensor pixels) {
        long n = pixels.size(0);
        Tensor x = patchesAsProduct(pixels) ? patchProduct(pixels)
                : conv1.forward(Precisions.isBf16(pixels) ? pixels : pixels.to(conv1.weight.scalar_type()))
                        .flatten(2, -1).transpose(1, 2);
        Tensor cls = classEmbedding.to(x.scalar_type()).view(1, 1, width).expand(n, 1, width);
        x = torch.cat(new TensorVector(cls, x), 1).add(positionalEmbedding.to(x.scalar_type()));
        return lnPre.forward(x);
    }

    /** Whether inference runs the patch convolution as a product: on int8, or where the packed kernel serves. */
    private boolean patchesAsProduct(Tensor pixels) {
        if (!PATCH_PRODUCT || is_training() || org.bytedeco.pytorch.GradMode.is_enabled()) {
            return false;
        }
        boolean half = Precisions.isBf16(pixels);
        return patchWeights.isInt8() && !half || PackedLinear.serves(pixels);
    }

    /** [N, 3, H, W] to the patch tokens [N, (H/p)(W/p), width]: the convolution's arithmetic as one product. */
    private Tensor patchProduct(Tensor pixels) {
        long n = pixels.size(0), gh = pixels.size(2) / patch, gw = pixels.size(3) / patch;
        Tensor px = (Precisions.isBf16(pixels) ? pixels : pixels.to(torch.ScalarType.Float)).narrow(2, 0, gh * patch).narrow(3, 0, gw * patch);
        // patch rows in the weight's (channel, row, column) order
        Tensor rows = px.reshape(n, 3, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5).reshape(n * gh * gw, 3 * patch * patch);
        return patchWeights.apply(rows, true).view(n, gh * gw, width);
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
        patchWeights.release();
        if (p == Precision.INT8) {
            patchWeights.prepareInt8();
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
