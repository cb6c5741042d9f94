package dev.jclip.eval;

import dev.jclip.Clip;
import dev.jclip.data.ImageData;
import dev.jclip.data.ImageTransforms;
import dev.jclip.data.Sample;
import dev.jclip.data.Seeds;
import dev.jclip.data.SkipLog;
import dev.jclip.data.Skipped;
import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.ImageDecodeException;
import dev.jclip.tensor.DType;
import dev.jclip.tensor.HostTensor;
import dev.jclip.util.ProgressBar;
import dev.jclip.zeroshot.Templates;
import dev.jclip.zeroshot.ZeroShotClassifier;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;

/**
 * Computes image and text features of evaluation sets with one model, in batches with a
 * progress bar, through a {@link FeatureCache}: keys combine the model's fingerprint with the
 * data's (and the shift and seed, for shifted images), so a second run of any evaluation reads
 * features from disk.
 *
 * <p>Images are decoded and preprocessed with the reference evaluation transform on worker
 * threads, one batch at a time, so memory holds one batch of pixels rather than the whole set.
 */
public final class FeatureStore {
    private static final Logger LOG = Logger.getLogger(FeatureStore.class.getName());
    /** Bumped when what is stored under a key changes meaning. */
    private static final String VERSION = "2"; // 2: the skipped items are stored with their names

    /**
     * @param batchSize images per model batch
     * @param threads   decoding threads
     * @param progress  draw progress bars on standard error
     * @param seed      seed of random shifts (noise)
     */
    public record Options(int batchSize, int threads, boolean progress, long seed) {
        public Options {
            if (batchSize < 1 || threads < 1) {
                throw new IllegalArgumentException("batch size and threads must be >= 1");
            }
        }
    }

    private final Clip clip;
    private final String modelFingerprint;
    private final FeatureCache cache;
    private final Options options;
    private final SkipLog skipped = new SkipLog();

    /**
     * @param modelFingerprint identifies the model's weights (see {@link #modelFingerprint(Path)})
     */
    public FeatureStore(Clip clip, String modelFingerprint, FeatureCache cache, Options options) {
        this.clip = clip.batchSizes(options.batchSize(), Math.max(options.batchSize(), 64));
        this.modelFingerprint = modelFingerprint;
        this.cache = cache;
        this.options = options;
    }

    /** The fingerprint of a checkpoint file or folder: metadata plus its first and last mebibyte. */
    public static String modelFingerprint(Path checkpoint) {
        return new Fingerprint().add("kind", "model").addModel(checkpoint).hex();
    }

    public Clip clip() {
        return clip;
    }

    public FeatureCache cache() {
        return cache;
    }

    /**
     * Every image left out of the features computed or read so far (each once, however many
     * passes over its set): what a command writes to {@code skipped.txt}.
     */
    public SkipLog skipped() {
        return skipped;
    }

    /** Image features and labels of a labelled set, optionally shifted. */
    public Features images(LabelledSet set, ImageShift shift) throws Exception {
        Fingerprint key = new Fingerprint().add("v", VERSION).add("what", "images").add("model", modelFingerprint)
                .add("data", set.fingerprint());
        String what = set.description();
        if (shift != null) {
            key.add("shift", shift.name()).add("seed", options.seed());
            what += " [" + shift.name() + "]";
        }
        String label = what;
        return logged(cache.getOrCompute(key.hex(), label, () -> {
            // Unreadable samples are dropped by the set's iterator; list them with the undecodable ones
            // so the cached features carry the same "skipped" as a fresh run.
            int before = set.readFailures().size();
            Features f = extract(set.samples(), set.expectedSize(), shift, label);
            List<Skipped> all = new ArrayList<>(set.readFailures().subList(before, set.readFailures().size()));
            all.addAll(f.skipped());
            return new Features(f.vectors(), f.labels(), f.positions(), all);
        }));
    }

    /** Image features of a captioned set (labels are -1; positions say which images decoded). */
    public Features images(CaptionedImages set) throws Exception {
        String key = new Fingerprint().add("v", VERSION).add("what", "images").add("model", modelFingerprint)
                .add("data", set.fingerprint()).hex();
        Iterator<Path> files = set.images().iterator();
        Iterator<Sample> samples = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return files.hasNext();
            }

            @Override
            public Sample next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Path f = files.next();
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(f);
                } catch (IOException e) {
                    bytes = null; // reported as a decode failure, keeping positions aligned with the set
                }
                return new Sample(f.toString(), bytes == null ? null : new ImageData.Encoded(bytes, f.toString()), null, -1);
            }
        };
        return logged(cache.getOrCompute(key, set.description(), () -> extract(samples, set.images().size(), null, set.description())));
    }

    /** Text features of captions or prompts (rows in order). */
    public float[][] texts(List<String> texts, String label) throws Exception {
        String key = new Fingerprint().add("v", VERSION).add("what", "texts").add("model", modelFingerprint)
                .addAll("texts", texts).hex();
        return cache.getOrCompute(key, label + " (" + texts.size() + " texts)", () -> {
            List<float[]> rows = new ArrayList<>(texts.size());
            int batch = Math.max(options.batchSize(), 64);
            try (ProgressBar bar = bar(label, texts.size(), "texts")) {
                for (int i = 0; i < texts.size(); i += batch) {
                    rows.addAll(Arrays.asList(clip.encodeTexts(texts.subList(i, Math.min(texts.size(), i + batch)))));
                    bar.update(Math.min(texts.size(), i + batch));
                }
            }
            int[] idx = new int[rows.size()];
            Arrays.setAll(idx, i -> i);
            return new Features(rows.toArray(new float[0][]), idx, idx.clone(), List.of());
        }).vectors();
    }

    /** The zero-shot classifier of class names × templates (prompt ensembling), its text features cached. */
    public ZeroShotClassifier zeroShot(List<String> classNames, Templates templates) throws Exception {
        List<String> prompts = new ArrayList<>();
        for (String c : classNames) {
            prompts.addAll(templates.apply(c));
        }
        float[][] emb = texts(prompts, "zero-shot prompts");
        // build() asks for the prompts in this same order, in one batch of all of them.
        return ZeroShotClassifier.build(new Replay(emb), classNames, templates, prompts.size());
    }

    /** Serves precomputed prompt embeddings to {@link ZeroShotClassifier#build} in order. */
    private static final class Replay implements dev.jclip.zeroshot.TextEmbedder {
        private final float[][] rows;
        private int next;

        Replay(float[][] rows) {
            this.rows = rows;
        }

        @Override
        public float[][] embed(List<String> texts) {
            float[][] out = Arrays.copyOfRange(rows, next, next + texts.size());
            next += texts.size();
            return out;
        }
    }

    private Features logged(Features f) {
        skipped.addAll(f.skipped());
        return f;
    }

    private ProgressBar bar(String label, long total, String unit) {
        return options.progress() ? new ProgressBar(label, total, unit) : ProgressBar.silent(label, total, unit);
    }

    private Features extract(Iterator<Sample> samples, int expected, ImageShift shift, String label) throws Exception {
        ClipPreprocessor pre = clip.preprocessor();
        int size = pre.size(), per = 3 * size * size;
        List<float[]> vectors = new ArrayList<>();
        List<Integer> labels = new ArrayList<>(), positions = new ArrayList<>();
        List<Skipped> skippedHere = new ArrayList<>();
        int position = 0;
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        try (ProgressBar bar = bar(label, expected, "img")) {
            while (samples.hasNext()) {
                List<Sample> batch = new ArrayList<>();
                List<Future<float[]>> pixels = new ArrayList<>();
                while (batch.size() < options.batchSize() && samples.hasNext()) {
                    Sample s = samples.next();
                    long seed = Seeds.mix(options.seed(), position + batch.size(), 0x5417);
                    batch.add(s);
                    pixels.add(pool.submit(() -> {
                        if (s.image() == null) {
                            throw new IOException("unreadable image " + s.key());
                        }
                        byte[] rgb = pre.toRgbU8(ImageTransforms.decode(s.image()));
                        if (shift != null) {
                            shift.apply(rgb, size, seed);
                        }
                        return pre.normalize(rgb);
                    }));
                }
                ByteBuffer buf = ByteBuffer.allocate(batch.size() * per * 4).order(ByteOrder.LITTLE_ENDIAN);
                List<Integer> ok = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    try {
                        buf.asFloatBuffer().position(ok.size() * per).put(pixels.get(i).get());
                        ok.add(i);
                    } catch (ExecutionException e) {
                        Throwable c = e.getCause();
                        String name = batch.get(i).image() != null ? batch.get(i).image().name() : batch.get(i).key();
                        skippedHere.add(new Skipped(name, c instanceof ImageDecodeException d ? d.reason()
                                : c.getMessage() != null ? c.getMessage() : c.toString()));
                        LOG.warning("skipping " + name + ": " + c.getMessage());
                    }
                }
                if (!ok.isEmpty()) {
                    buf.limit(ok.size() * per * 4);
                    float[][] f = clip.encodePixels(new HostTensor(DType.F32, new long[]{ok.size(), 3, size, size}, buf));
                    for (int j = 0; j < ok.size(); j++) {
                        int i = ok.get(j);
                        vectors.add(f[j]);
                        labels.add(batch.get(i).label());
                        positions.add(position + i);
                    }
                }
                position += batch.size();
                bar.update(position);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Features(vectors.toArray(new float[0][]), labels.stream().mapToInt(Integer::intValue).toArray(),
                positions.stream().mapToInt(Integer::intValue).toArray(), skippedHere);
    }
}
