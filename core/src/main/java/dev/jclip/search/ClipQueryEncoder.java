package dev.jclip.search;

import dev.jclip.Clip;
import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.ImageDecoder;
import dev.jclip.search.fetch.FetchPolicy;
import dev.jclip.search.fetch.UrlFetcher;
import dev.jclip.tensor.HostTensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Query terms embedded by a loaded model; indexed images come from the index's stored vectors. */
public final class ClipQueryEncoder implements QueryEncoder {
    private final Clip clip;
    private final ImageIndex index;
    private final UrlFetcher fetcher;

    /** Fetches URL terms within {@link FetchPolicy#defaults()} (public addresses only). */
    public ClipQueryEncoder(Clip clip, ImageIndex index) {
        this(clip, index, new UrlFetcher(FetchPolicy.defaults()));
    }

    public ClipQueryEncoder(Clip clip, ImageIndex index, UrlFetcher fetcher) {
        this.clip = clip;
        this.index = index;
        this.fetcher = fetcher;
    }

    /** Fetches the image (bounded, checked hop by hop) and embeds it under the same decoder limits as a file. */
    @Override
    public float[] url(String url) throws IOException {
        return imageBytes(fetcher.fetch(url).body(), url);
    }

    @Override
    public float[] text(String text) {
        return clip.encodeTexts(List.of(text))[0];
    }

    @Override
    public float[] image(String path) throws IOException {
        return imageBytes(java.nio.file.Files.readAllBytes(Path.of(path)), path);
    }

    /** Embeds an encoded image (PNG, JPEG, ...) given as bytes. */
    public float[] imageBytes(byte[] bytes, String name) throws IOException {
        return clip.encodePixels(pixels(clip.preprocessor(), bytes, name))[0];
    }

    /** Decoded and preprocessed pixels [1, 3, R, R] of an encoded image. */
    public static HostTensor pixels(ClipPreprocessor pre, byte[] bytes, String name) throws IOException {
        PixelLimit.check(bytes, name);
        float[] px = pre.preprocess(ImageDecoder.decode(bytes, name));
        return HostTensor.ofFloats(px, 1, 3, pre.size(), pre.size());
    }

    @Override
    public float[] indexed(long id) throws IOException {
        return index.vector(id).orElseThrow(() -> new IllegalArgumentException("no indexed image with id " + id));
    }
}
