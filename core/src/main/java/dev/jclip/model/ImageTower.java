package dev.jclip.model;

import org.bytedeco.pytorch.Tensor;

/** An image tower: normalized pixels [N, 3, R, R] to unnormalized embeddings [N, embed_dim]. */
public interface ImageTower {
    Tensor forward(Tensor pixels);
}
