package dev.jclip.model.layers;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Pre-LN transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)) with a QuickGELU MLP. */
public final class ResidualAttentionBlock extends Module {
    public final MultiheadAttention attn;
    public final LayerNorm ln1;
    public final Linear cFc;
    public final Linear cProj;
    public final LayerNorm ln2;
    /** Java peers of container modules must stay reachable: libtorch calls back into them. */
    private final Module mlp;

    public ResidualAttentionBlock(long width, long heads) {
        attn = register_module("attn", new MultiheadAttention(width, heads));
        ln1 = register_module("ln_1", new LayerNorm(width));
        mlp = register_module("mlp", new Module());
        cFc = mlp.register_module("c_fc", new Linear(width, 4 * width));
        cProj = mlp.register_module("c_proj", new Linear(4 * width, width));
        ln2 = register_module("ln_2", new LayerNorm(width));
    }

    public Tensor forward(Tensor x, boolean causal) {
        x = x.add(attn.forward(ln1.forward(x), causal));
        Tensor h = cFc.forward(ln2.forward(x));
        h = h.mul(torch.sigmoid(h.mul(new Scalar(1.702)))); // QuickGELU, as the released models were trained
        return x.add(cProj.forward(h));
    }
}
