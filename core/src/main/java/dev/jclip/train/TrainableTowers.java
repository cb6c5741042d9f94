package dev.jclip.train;

import dev.jclip.model.Bottleneck;
import dev.jclip.model.ClipModel;
import dev.jclip.model.ModifiedResNet;
import dev.jclip.model.VisionTransformer;
import dev.jclip.model.layers.ResidualAttentionBlock;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The image and text {@link Tower}s of a {@link ClipModel} for one batch of inputs. */
public final class TrainableTowers {
    private TrainableTowers() {
    }

    /** The image tower applied to normalized pixels [N, 3, R, R]. */
    public static Tower image(ClipModel model, Tensor pixels) {
        if (model.visual instanceof VisionTransformer v) {
            return new Tower() {
                @Override
                protected Tensor stem() {
                    return v.embed(pixels);
                }

                @Override
                protected List<UnaryOperator<Tensor>> blocks() {
                    List<UnaryOperator<Tensor>> out = new ArrayList<>();
                    for (ResidualAttentionBlock b : v.transformer.blocks()) {
                        out.add(x -> b.forward(x, false));
                    }
                    return out;
                }

                @Override
                protected Tensor head(Tensor x) {
                    return v.head(x);
                }
            };
        }
        ModifiedResNet r = (ModifiedResNet) model.visual;
        return new Tower() {
            @Override
            protected Tensor stem() {
                return r.stem(pixels);
            }

            @Override
            protected List<UnaryOperator<Tensor>> blocks() {
                List<UnaryOperator<Tensor>> out = new ArrayList<>();
                for (List<Bottleneck> stage : r.stages()) {
                    for (Bottleneck b : stage) {
                        out.add(b::forward);
                    }
                }
                return out;
            }

            @Override
            protected Tensor head(Tensor x) {
                return r.attnpool.forward(x);
            }

            @Override
            protected void recomputing(boolean on) {
                r.freezeBatchNormStatistics(on);
            }
        };
    }

    /** The text tower applied to token ids [N, L]; positions after the last end-of-text are dropped. */
    public static Tower text(ClipModel model, Tensor tokens) {
        if (model.sentenceTower() != null) {
            return sentence(model.sentenceTower(), tokens);
        }
        Tensor eot = tokens.argmax(new LongOptional(-1), false);
        long used = eot.max().item_long() + 1;
        Tensor t = used < tokens.size(1) ? tokens.narrow(1, 0, used) : tokens;
        return new Tower() {
            @Override
            protected Tensor stem() {
                return model.embedTokens(t);
            }

            @Override
            protected List<UnaryOperator<Tensor>> blocks() {
                List<UnaryOperator<Tensor>> out = new ArrayList<>();
                for (ResidualAttentionBlock b : model.transformer.blocks()) {
                    out.add(x -> b.forward(x, true));
                }
                return out;
            }

            @Override
            protected Tensor head(Tensor x) {
                return model.pool(model.lnFinal.forward(x), eot).matmul(model.textProjection);
            }
        };
    }

    /** A locked sentence encoder: its cached features (no graph, no blocks) and the trainable projection. */
    private static Tower sentence(dev.jclip.model.SentenceEncoderTower s, Tensor rows) {
        Tensor features = s.featuresOfRows(rows);
        return new Tower() {
            @Override
            protected Tensor stem() {
                return features;
            }

            @Override
            protected List<UnaryOperator<Tensor>> blocks() {
                return List.of();
            }

            @Override
            protected Tensor head(Tensor x) {
                return s.project(x);
            }
        };
    }
}
