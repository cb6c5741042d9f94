package dev.jclip.model.layers;

import dev.jclip.tensor.Scopes;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A stack of {@link ResidualAttentionBlock}s named {@code resblocks.<i>}. */
public final class Transformer extends Module {
    private final List<ResidualAttentionBlock> blocks;
    private final long width;
    /** Java peers of container modules must stay reachable: libtorch calls back into them. */
    private final Module resblocks;

    public Transformer(long width, int layers, long heads) {
        this.width = width;
        resblocks = register_module("resblocks", new Module());
        List<ResidualAttentionBlock> list = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            list.add(resblocks.register_module(Integer.toString(i), new ResidualAttentionBlock(width, heads)));
        }
        blocks = Collections.unmodifiableList(list);
    }

    public List<ResidualAttentionBlock> blocks() {
        return blocks;
    }

    public long width() {
        return width;
    }

    /** x: [N, L, D]. */
    public Tensor forward(Tensor x, boolean causal) {
        for (ResidualAttentionBlock b : blocks) {
            Tensor in = x;
            x = Scopes.keep(() -> b.forward(in, causal));
        }
        return x;
    }
}
