package dev.jclip.model;

import dev.jclip.model.layers.PackedWeight;
import dev.jclip.runtime.BatchSplit;
import dev.jclip.runtime.PackedLinear;

import dev.jclip.runtime.Machine;
import dev.jclip.runtime.Precision;
import dev.jclip.runtime.TowerKind;
import dev.jclip.model.layers.Params;

import dev.jclip.model.layers.LayerNorm;
import dev.jclip.model.layers.ResidualAttentionBlock;
import dev.jclip.model.layers.Transformer;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CLIP model: an image tower ({@link VisionTransformer} or {@link ModifiedResNet}), the causal
 * text transformer, both projected into one embedding space, and the learnable logit scale.
 * Parameter names equal the reference state-dict keys, so checkpoints load by name. The text
 * tower may instead be a locked pretrained sentence encoder with a trainable projection
 * ({@link #withSentenceEncoder}, {@link #text()}); the CLIP text fields are then null.
 */
public final class ClipModel extends Module {
    /** ln(1/0.07), the paper's initial temperature. */
    public static final double INIT_LOGIT_SCALE = Math.log(1 / 0.07);

    private final ClipConfig config;
    public final Tensor positionalEmbedding;
    public final Tensor textProjection;
    /** text_projection for inference on oneDNN; null with a sentence encoder. */
    private final PackedWeight textProjectionPacked;
    public final Tensor logitScale;
    public final Module visual;
    private final ImageTower imageEncoder;
    public final Transformer transformer;
    public final Tensor tokenEmbedding;
    public final LayerNorm lnFinal;
    /** Java peers of container modules must stay reachable: libtorch calls back into them. */
    private final Module tokenEmbeddingModule;
    /** Per tower: auto may choose differently for the image and the text tower (their kernels differ). */
    private Precision imagePrecision = Precision.FP32, textPrecision = Precision.FP32;
    private TowerSelection towers = TowerSelection.BOTH;
    private volatile boolean closed;
    /** Inference batches cut over the compute threads where that measured faster (runtime.BatchSplit). */
    private final BatchSplit imageSplit = new BatchSplit(), textSplit = new BatchSplit();
    /** Null when the text tower is CLIP's own transformer (then the fields above are set, else null). */
    private final SentenceEncoderTower sentenceTower;
    private final TextTower text;

    /** Builds a model with the reference's random initialization (seed with torch.manual_seed). */
    public ClipModel(ClipConfig c) {
        this(c, true, null);
    }

    /**
     * A model whose text tower is a locked sentence encoder with a fresh projection; the text fields
     * of {@code imageConfig} are replaced by {@link SentenceEncoderTower#configFor}'s.
     */
    public static ClipModel withSentenceEncoder(ClipConfig imageConfig, SentenceEncoderTower.Spec text) {
        return new ClipModel(SentenceEncoderTower.configFor(imageConfig, text), true, text);
    }

    private ClipModel(ClipConfig c, boolean init, SentenceEncoderTower.Spec sentence) {
        this.config = c;
        if (sentence != null) {
            // a locked sentence encoder replaces the whole text side; only its projection is a parameter
            positionalEmbedding = null;
            textProjection = null;
            textProjectionPacked = null;
            transformer = null;
            tokenEmbedding = null;
            lnFinal = null;
            tokenEmbeddingModule = null;
            logitScale = Params.parameter(this, "logit_scale", torch.ones(new long[0]).mul_(new Scalar(INIT_LOGIT_SCALE)));
            Module v = buildVisual(c);
            visual = v;
            imageEncoder = (ImageTower) v;
            sentenceTower = register_module("text_encoder", new SentenceEncoderTower(sentence, c.embedDim()));
            text = sentenceTower;
            if (init) {
                initialize();
                sentenceTower.initialize();
            }
            return;
        }
        sentenceTower = null;
        text = new ClipTextTower(this);
        int tw = c.transformerWidth();
        // own parameters first: PyTorch lists them before the children's, as in the reference key order
        positionalEmbedding = Params.parameter(this, "positional_embedding", torch.empty(c.contextLength(), tw));
        textProjection = Params.parameter(this, "text_projection", torch.empty(tw, c.embedDim()));
        textProjectionPacked = new PackedWeight(textProjection, true);
        logitScale = Params.parameter(this, "logit_scale", torch.ones(new long[0]).mul_(new Scalar(INIT_LOGIT_SCALE)));
        Module vis = buildVisual(c);
        visual = vis;
        imageEncoder = (ImageTower) vis;
        transformer = register_module("transformer", new Transformer(tw, c.transformerLayers(), c.transformerHeads()));
        Module emb = register_module("token_embedding", new Module());
        tokenEmbeddingModule = emb;
        tokenEmbedding = Params.parameter(emb, "weight", torch.empty(c.vocabSize(), tw));
        lnFinal = register_module("ln_final", new LayerNorm(tw));
        if (init) {
            initialize();
        }
    }

    private Module buildVisual(ClipConfig c) {
        if (c.isVit()) {
            return register_module("visual", new VisionTransformer(c.imageResolution(),
                    c.visionPatchSize(), c.visionWidth(), c.visionLayers().get(0), c.visionHeads(), c.embedDim()));
        }
        return register_module("visual", new ModifiedResNet(c.visionLayers(), c.embedDim(),
                c.visionHeads(), c.imageResolution(), c.visionWidth()));
    }

    /** OpenAI's initialize_parameters: scaled normal initializations of the text tower and attention pool. */
    private void initialize() {
        try (NoGradGuard ng = new NoGradGuard()) {
            if (visual instanceof ModifiedResNet r) {
                AttentionPool2d ap = r.attnpool;
                double std = Math.pow(ap.cProj.weight.size(1), -0.5);
                for (Tensor w : new Tensor[]{ap.qProj.weight, ap.kProj.weight, ap.vProj.weight, ap.cProj.weight}) {
                    torch.normal_(w, 0, std);
                }
                for (var stage : r.stages()) {
                    for (Bottleneck b : stage) {
                        torch.zeros_(b.bn3.weight);
                    }
                }
            }
            if (transformer == null) {
                return;
            }
            torch.normal_(tokenEmbedding, 0, 0.02);
            torch.normal_(positionalEmbedding, 0, 0.01);
            int w = config.transformerWidth();
            double projStd = Math.pow(w, -0.5) * Math.pow(2.0 * config.transformerLayers(), -0.5);
            double attnStd = Math.pow(w, -0.5);
            double fcStd = Math.pow(2.0 * w, -0.5);
            for (ResidualAttentionBlock b : transformer.blocks()) {
                torch.normal_(b.attn.inProjWeight, 0, attnStd);
                torch.normal_(b.attn.outProj.weight, 0, projStd);
                torch.normal_(b.cFc.weight, 0, fcStd);
                torch.normal_(b.cProj.weight, 0, projStd);
            }
            torch.normal_(textProjection, 0, attnStd);
        }
    }

    /**
     * A model whose tensors are allocated but not initialized: for inspecting structure and
     * shapes, or as the target of a checkpoint load (which overwrites every tensor).
     */
    public static ClipModel shapeOnly(ClipConfig c) {
        return shapeOnly(c, null);
    }

    /** As {@link #shapeOnly(ClipConfig)}, with a sentence-encoder text tower when {@code text} is not null. */
    public static ClipModel shapeOnly(ClipConfig c, SentenceEncoderTower.Spec text) {
        try (var skip = dev.jclip.model.layers.Params.shapesOnly()) {
            return new ClipModel(c, false, text);
        }
    }

    /** The text tower: CLIP's own transformer or a locked sentence encoder with its projection. */
    public TextTower text() {
        return text;
    }

    /** The sentence-encoder text tower, or null when the text tower is CLIP's own transformer. */
    public SentenceEncoderTower sentenceTower() {
        return sentenceTower;
    }

    public ClipConfig config() {
        return config;
    }

    public ImageTower imageEncoder() {
        return imageEncoder;
    }

    /** The towers whose weights were loaded (see {@link ModelLoader#load(java.nio.file.Path, TowerSelection)}). */
    public TowerSelection towers() {
        return towers;
    }

    /** Marks a model loaded with only some towers: the others then refuse to run. */
    void loadedTowers(TowerSelection t) {
        this.towers = t;
    }

    /** Fails unless the image tower (or, with {@code text}, the text tower) was loaded. */
    public void requireTower(boolean text) {
        if (text ? !towers.hasText() : !towers.hasImage()) {
            throw new IllegalStateException("this model was loaded with the " + (text ? "image" : "text")
                    + " tower only; load it with TowerSelection." + (text ? "TEXT" : "IMAGE") + " or BOTH to encode "
                    + (text ? "texts" : "images"));
        }
    }

    /** Unnormalized image embeddings [N, embed_dim] of normalized pixels [N, 3, R, R]. */
    public Tensor encodeImage(Tensor pixels) {
        requireTower(false);
        return is_training() ? encodeImageWhole(pixels) : imageSplit.apply(imagePrecision::label, pixels, this::encodeImageWhole);
    }

    private Tensor encodeImageWhole(Tensor pixels) {
        if (imagePrecision == Precision.BF16) {
            return imageEncoder.forward(pixels.to(torch.ScalarType.BFloat16)).to(torch.ScalarType.Float);
        }
        return imageEncoder.forward(pixels);
    }

    /**
     * The precision inference runs in (see {@link #setPrecision}): the image tower's when it is
     * loaded, else the text tower's; FP32 unless changed.
     */
    public Precision precision() {
        return towers.hasImage() ? imagePrecision : textPrecision;
    }

    /**
     * How inference batches ran so far ({@link BatchSplit}): per tower, precision and batch size,
     * whole or split over the compute threads and the timings that decided it.
     */
    public Map<String, String> batchSplitDecisions() {
        Map<String, String> out = new LinkedHashMap<>();
        imageSplit.decisions().forEach((k, v) -> out.put("image/" + k, v));
        textSplit.decisions().forEach((k, v) -> out.put("text/" + k, v));
        return out;
    }

    /** The image tower's precision. */
    public Precision imagePrecision() {
        return imagePrecision;
    }

    /** The text tower's precision. */
    public Precision textPrecision() {
        return textPrecision;
    }

    /** Which kind of image tower this is, for precision and kernel choices. */
    public TowerKind imageKind() {
        return visual instanceof ModifiedResNet ? TowerKind.RESNET : TowerKind.VIT;
    }

    /**
     * Switches inference to {@code p}, resolved per tower by {@link Machine}: AUTO becomes what
     * this machine measured fastest for each tower, and a precision whose kernels failed their
     * probe here falls back to FP32 with a warning. FP32 is the reference path; INT8 quantizes
     * the transformers' linear layers once, here; BF16 runs the encoders' matrix products in
     * bfloat16 and returns float32 features. Training always uses the float32 weights: call this
     * only on a model used for inference.
     */
    public ClipModel setPrecision(Precision p) {
        Machine machine = Machine.get();
        Precision img = machine.runnable(p, imageKind()), txt = machine.runnable(p, TowerKind.TEXT);
        // a tower that was not loaded holds uninitialized memory: nothing of it is prepared
        if (txt != textPrecision && transformer != null && towers.hasText()) { // null when the text tower is a locked sentence encoder (run by ONNX Runtime)
            for (ResidualAttentionBlock b : transformer.blocks()) {
                Precisions.prepare(b, txt);
            }
        }
        if (img != imagePrecision && towers.hasImage()) {
            if (visual instanceof VisionTransformer v) {
                v.prepare(img);
            } else if (visual instanceof ModifiedResNet res) {
                res.prepare(img);
            }
        }
        imagePrecision = img;
        textPrecision = txt;
        return this;
    }

    /**
     * Unnormalized text embeddings [N, embed_dim] of token ids [N, context_length] (end-of-text is
     * each row's maximum id). Only the positions up to the batch's last end-of-text token are
     * computed: the causal mask makes later positions irrelevant to the result.
     */
    public Tensor encodeText(Tensor tokens) {
        requireTower(true);
        if (sentenceTower != null) {
            throw new IllegalStateException("this model's text tower is the sentence encoder " + sentenceTower.kind()
                    + ", which takes texts, not CLIP tokens: use Clip.encodeTexts or text().encode");
        }
        if (is_training()) {
            return encodeTextWhole(tokens);
        }
        return textSplit.apply(() -> {
            // the positions computed, so timings compare like with like; only asked when the batch may split
            long used = tokens.argmax(new LongOptional(-1), false).max().item_long() + 1;
            return textPrecision.label() + "/" + ((used + 7) / 8 * 8) + "pos";
        }, tokens, this::encodeTextWhole);
    }

    private Tensor encodeTextWhole(Tensor tokens) {
        Tensor eot = tokens.argmax(new LongOptional(-1), false);
        long used = eot.max().item_long() + 1;
        Tensor t = used < tokens.size(1) ? tokens.narrow(1, 0, used) : tokens;
        Tensor x = embedTokens(t);
        if (textPrecision == Precision.BF16) {
            // the blocks run in bf16; ln_final, pooling and the projection in float32
            x = transformer.forward(x.to(torch.ScalarType.BFloat16), true).to(torch.ScalarType.Float);
            x = lnFinal.forward(x);
        } else {
            x = textTower(x);
        }
        Tensor pooled = pool(x, eot);
        return !is_training() && PackedLinear.serves(pooled) ? textProjectionPacked.apply(pooled, null) : pooled.matmul(textProjection);
    }

    /** Token plus positional embedding: the text transformer's input [N, L, width]. */
    public Tensor embedTokens(Tensor tokens) {
        long l = tokens.size(1);
        return torch.embedding(tokenEmbedding, tokens).add(positionalEmbedding.narrow(0, 0, l));
    }

    /** The causal transformer then ln_final. */
    public Tensor textTower(Tensor x) {
        return lnFinal.forward(transformer.forward(x, true));
    }

    /** The features at each row's end-of-text position: [N, width]. */
    public Tensor pool(Tensor x, Tensor eotIndex) {
        long n = x.size(0), w = x.size(2);
        Tensor idx = eotIndex.view(n, 1, 1).expand(n, 1, w);
        return torch.gather(x, 1, idx).squeeze(1);
    }

    /** exp(logit_scale) · normalized image · normalized textᵀ: [N_images, N_texts]. */
    public Tensor logitsPerImage(Tensor imageFeatures, Tensor textFeatures) {
        Tensor i = l2normalize(imageFeatures);
        Tensor t = l2normalize(textFeatures);
        return i.matmul(t.t()).mul(logitScale.exp());
    }

    /** Rows divided by their L2 norm. */
    public static Tensor l2normalize(Tensor x) {
        return x.div(torch.linalg_vector_norm(x, new Scalar(2), new long[]{-1}, true, new ScalarTypeOptional()));
    }

    /** Parameters and buffers by reference key name, in PyTorch's state-dict order. */
    public Map<String, Tensor> stateDict() {
        ensureOpen();
        return stateDictOf(this);
    }

    private static Map<String, Tensor> stateDictOf(Module m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        StringTensorDict p = m.named_parameters(true);
        for (long i = 0; i < p.size(); i++) {
            out.put(p.get(i).key().getString(), new Tensor(p.get(i).value()));
        }
        StringTensorDict b = m.named_buffers(true);
        for (long i = 0; i < b.size(); i++) {
            out.put(b.get(i).key().getString(), new Tensor(b.get(i).value()));
        }
        return out;
    }

    /** Parameters (not buffers) by reference key name; only those requiring grad when trainableOnly. */
    public Map<String, Tensor> namedParameters(boolean trainableOnly) {
        ensureOpen();
        Map<String, Tensor> out = new LinkedHashMap<>();
        StringTensorDict p = named_parameters(true);
        for (long i = 0; i < p.size(); i++) {
            Tensor t = new Tensor(p.get(i).value());
            if (!trainableOnly || t.requires_grad()) {
                out.put(p.get(i).key().getString(), t);
            }
        }
        return out;
    }

    /**
     * Optional int8 inference: every linear layer of the transformer blocks (q/k/v, attention
     * output, MLP) and the ResNet's attention pool switch to libtorch's dynamic int8 fbgemm
     * kernels. Features drift from fp32 (measured by the tests), so this is never on by default.
     * Same as {@code setPrecision(Precision.INT8)}.
     */
    public void quantizeInt8() {
        setPrecision(Precision.INT8);
    }

    /** Clamps the logit scale to [0, ln 100] in place (after each optimizer step, as the paper). */
    public void clampLogitScale() {
        try (NoGradGuard ng = new NoGradGuard()) {
            logitScale.clamp_(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0.0)),
                    new org.bytedeco.pytorch.ScalarOptional(new Scalar(Math.log(100))));
        }
    }

    /**
     * Frees the memory of every parameter, gradient and buffer now rather than whenever the
     * garbage collector gets to the model: each tensor is set to an empty storage, and since all
     * Java handles of a tensor (the layers' fields, the module's tables) share one implementation,
     * the storage is released at once and the allocator returns it to the system. The bf16 copies and int8 packed
     * weights are dropped and go with the garbage collector; so do the module objects themselves
     * (a few KB; libtorch's module tree holds references to them, so they are not deallocated
     * here). After close the model must not be used: {@link #stateDict()} and
     * {@link #namedParameters} and every {@link dev.jclip.Clip} method throw IllegalStateException.
     * Closing twice does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        // drop the bf16 copies and int8 packed weights first: they are not in the state dict
        setPrecision(Precision.FP32);
        closed = true;
        try (NoGradGuard ng = new NoGradGuard()) {
            for (Tensor t : stateDictOf(this).values()) {
                Tensor g = t.grad();
                if (g.defined()) {
                    g.set_();
                }
                g.close();
                t.set_();
                t.close();
            }
        }
        // glibc keeps freed blocks in its arenas (measured: 4 ViT-B/32 load/close cycles grew RSS by
        // 900 MB without this, 0 with it); malloc_trim hands them back to the system.
        org.bytedeco.javacpp.Pointer.trimMemory();
    }

    /** Whether {@link #close()} has freed this model's tensors. */
    public boolean isClosed() {
        return closed;
    }

    /** @throws IllegalStateException when the model is closed */
    public void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the CLIP model is closed (its tensors were freed by close())");
        }
    }

    /** Number of parameters (BatchNorm statistics are buffers and not counted). */
    public long parameterCount() {
        long n = 0;
        StringTensorDict p = named_parameters(true);
        for (long i = 0; i < p.size(); i++) {
            n += p.get(i).value().numel();
        }
        return n;
    }
}
