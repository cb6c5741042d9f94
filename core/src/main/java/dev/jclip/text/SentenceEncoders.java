package dev.jclip.text;

import dev.jclip.download.ModelCache;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The pretrained sentence encoders jclip can use as a locked text tower, by name, from every
 * {@link SentenceEncoderProvider} on the class path. The CLI ships {@code jclip-text-onnx}, which
 * provides {@code minilm} (all-MiniLM-L6-v2) and {@code minilm-q} (its int8 variant).
 */
public final class SentenceEncoders {
    private static final String MODULE_HINT = "the ONNX sentence encoders (minilm, minilm-q) come with the module "
            + "dev.jclip:jclip-text-onnx: add it to the class path";
    private static volatile Map<String, Entry> registry;

    private record Entry(SentenceEncoderProvider.Info info, SentenceEncoderProvider provider) {
    }

    private SentenceEncoders() {
    }

    private static Map<String, Entry> registry() {
        Map<String, Entry> r = registry;
        if (r == null) {
            r = new LinkedHashMap<>();
            for (SentenceEncoderProvider p : ServiceLoader.load(SentenceEncoderProvider.class,
                    SentenceEncoders.class.getClassLoader())) {
                for (SentenceEncoderProvider.Info i : p.encoders()) {
                    r.putIfAbsent(i.name().toLowerCase(Locale.ROOT), new Entry(i, p));
                }
            }
            registry = r;
        }
        return r;
    }

    /** Names of every encoder on the class path. */
    public static List<String> names() {
        return List.copyOf(registry().keySet());
    }

    public static boolean isKnown(String name) {
        return registry().containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** What an encoder is (its feature size above all), without opening it. */
    public static SentenceEncoderProvider.Info info(String name) {
        return entry(name).info();
    }

    private static Entry entry(String name) {
        Entry e = registry().get(name.toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new IllegalArgumentException("unknown sentence encoder '" + name + "'; "
                    + (registry().isEmpty() ? "no sentence encoder is on the class path: " + MODULE_HINT
                    : "known: " + String.join(", ", registry().keySet())));
        }
        return e;
    }

    /** The encoder itself, without a cache. */
    public static SentenceEncoder open(String name, int threads) {
        Entry e = entry(name);
        return e.provider().open(e.info().name(), threads);
    }

    /** The encoder behind the default on-disk feature cache ({@code text-features} in the jclip cache folder). */
    public static SentenceEncoder cached(String name, int threads) {
        return CachedSentenceEncoder.at(ModelCache.defaultDir().resolve("text-features"), open(name, threads));
    }
}
