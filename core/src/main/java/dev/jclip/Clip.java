package dev.jclip;

import dev.jclip.download.ModelCache;
import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.ImageDecoder;
import dev.jclip.model.ClipConfig;
import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelLoader;
import dev.jclip.runtime.Precision;
import dev.jclip.model.TowerSelection;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.Torch;
import dev.jclip.tokenizer.ClipTokenizer;
import dev.jclip.zeroshot.Templates;
import dev.jclip.zeroshot.Vectors;
import dev.jclip.zeroshot.ZeroShotClassifier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The inference entry point: a model with its tokenizer and image preprocessing. Encodes images
 * and texts in batches without autograd, and builds zero-shot classifiers.
 *
 * <p>A {@code Clip} owns its model's native memory: {@link #close()} frees it at once (an
 * application that loads and drops models should close each one); afterwards every method throws
 * IllegalStateException. The README's examples are compiled in the test tree
 * ({@code dev.jclip.examples.ReadmeExamples}).
 *
 * <pre>{@code
 * try (Clip clip = Clip.load("ViT-B/32")) {             // or a checkpoint path
 *     float[][] img = clip.encodeImages(List.of(Path.of("cat.jpg")));
 *     var zs = clip.zeroShot(List.of("cat", "dog"), Templates.load("generic"));
 * }
 * }</pre>
 */
public final class Clip implements AutoCloseable {
    static {
        dev.jclip.runtime.NativeLibraries.load(); // before anything below touches libtorch
    }

    private final ClipModel model;
    private final ClipTokenizer tokenizer;
    private final ClipPreprocessor preprocessor;
    private int imageBatch = 32;
    private int textBatch = 256;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Clip(ClipModel model) {
        this.model = model;
        this.tokenizer = ClipTokenizer.get();
        this.preprocessor = ClipPreprocessor.of(model.config().imageResolution());
        model.eval();
    }

    /** A released model name (downloaded into the cache on first use) or a checkpoint path. */
    public static Clip load(String nameOrPath) throws IOException {
        return load(nameOrPath, Precision.FP32);
    }

    /**
     * A released model name or a checkpoint path, run in the given precision ({@link Precision#AUTO}
     * picks bf16 on CPUs with native bf16 matrix instructions, fp32 elsewhere).
     */
    public static Clip load(String nameOrPath, Precision precision) throws IOException {
        return load(nameOrPath, precision, TowerSelection.BOTH);
    }

    /**
     * As {@link #load(String, Precision)}, with only the given towers: a text-only or image-only
     * user (a one-shot search query) loads about half the weights. Encoding with the missing
     * tower throws IllegalStateException.
     */
    public static Clip load(String nameOrPath, Precision precision, TowerSelection towers) throws IOException {
        Path p = ModelCache.defaultCache().resolve(nameOrPath);
        ClipModel m = ModelLoader.load(p, towers).model();
        m.setPrecision(precision);
        return new Clip(m);
    }

    /** The precision this model's inference runs in (never AUTO: resolved at load). */
    public Precision precision() {
        return model.precision();
    }

    /** Wraps a model for inference; the {@code Clip} then owns it ({@link #close()} frees it). */
    public static Clip of(ClipModel model) {
        return new Clip(model);
    }

    public Clip batchSizes(int images, int texts) {
        this.imageBatch = images;
        this.textBatch = texts;
        return this;
    }

    public Clip decodeThreads(int n) {
        this.threads = n;
        return this;
    }

    public ClipModel model() {
        return model;
    }

    public ClipConfig config() {
        return model.config();
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public ClipPreprocessor preprocessor() {
        return preprocessor;
    }

    /** exp(logit_scale): the factor of cosine similarities in the logits. */
    public double logitScale() {
        ensureOpen();
        return Math.exp(model.logitScale.item_double());
    }

    /** Unnormalized embeddings of image files. */
    public float[][] encodeImages(List<Path> files) throws IOException {
        ensureOpen();
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i += imageBatch) {
            HostTensor px = preprocessor.preprocessBatch(files.subList(i, Math.min(files.size(), i + imageBatch)), threads);
            out.addAll(List.of(encodePixels(px)));
        }
        return out.toArray(new float[0][]);
    }

    /** Unnormalized embeddings of normalized pixels [N, 3, R, R]. */
    public float[][] encodePixels(HostTensor pixels) {
        ensureOpen();
        int n = (int) pixels.shape()[0];
        List<float[]> out = new ArrayList<>();
        try (PointerScope scope = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensor all = Torch.toTorchFloat(pixels);
            for (int i = 0; i < n; i += imageBatch) {
                int b = Math.min(imageBatch, n - i);
                Tensor chunk = all.narrow(0, i, b);
                out.addAll(Torch.rows(model.encodeImage(chunk)));
            }
        }
        return out.toArray(new float[0][]);
    }

    /** Unnormalized embeddings of texts (tokenized with truncation to the context length). */
    public float[][] encodeTexts(List<String> texts) {
        ensureOpen();
        model.requireTower(true);
        if (model.sentenceTower() != null) {
            return model.text().encode(texts);
        }
        return encodeTokens(tokenizer.tokenizeTensor(texts, model.config().contextLength(), true));
    }

    /** Unnormalized embeddings of token rows [N, context_length]. */
    public float[][] encodeTokens(HostTensor tokens) {
        ensureOpen();
        int n = (int) tokens.shape()[0];
        List<float[]> out = new ArrayList<>();
        try (PointerScope scope = new PointerScope(); InferenceMode im = new InferenceMode()) {
            Tensor all = Torch.toTorch(tokens);
            for (int i = 0; i < n; i += textBatch) {
                int b = Math.min(textBatch, n - i);
                out.addAll(Torch.rows(model.encodeText(all.narrow(0, i, b))));
            }
        }
        return out.toArray(new float[0][]);
    }

    /**
     * Frees the model's tensors now (see {@link ClipModel#close()}); later calls on this object
     * throw IllegalStateException. Closing twice does nothing.
     */
    @Override
    public void close() {
        model.close();
    }

    /** Whether {@link #close()} was called (on this object or its model). */
    public boolean isClosed() {
        return model.isClosed();
    }

    private void ensureOpen() {
        if (model.isClosed()) {
            throw new IllegalStateException("this Clip is closed: its model's native memory was freed by close()");
        }
    }

    /** Rows scaled to unit length. */
    public static float[][] normalized(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = Vectors.normalized(rows[i]);
        }
        return out;
    }

    /** Cosine similarity of every image with every text. */
    public static float[][] similarity(float[][] images, float[][] texts) {
        return Vectors.cosine(images, texts);
    }

    /** A zero-shot classifier from class labels and prompt templates (prompt ensembling). */
    public ZeroShotClassifier zeroShot(List<String> labels, Templates templates) {
        ensureOpen();
        return ZeroShotClassifier.build(this::encodeTexts, labels, templates, textBatch);
    }
}
