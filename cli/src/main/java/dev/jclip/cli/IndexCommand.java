package dev.jclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.Clip;
import dev.jclip.runtime.Precision;
import dev.jclip.search.BadFile;
import dev.jclip.search.ImageEncoder;
import dev.jclip.search.EmbeddingImport;
import dev.jclip.search.ImageIndex;
import dev.jclip.search.IndexMismatchException;
import dev.jclip.search.IndexReport;
import dev.jclip.search.IndexSettings;
import dev.jclip.search.Indexer;
import dev.jclip.search.ModelFingerprint;
import dev.jclip.search.Quantization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code clip index}: an incremental HNSW index of image folders. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Embed every image under the given folders into a Lucene HNSW index. Incremental: only new "
                + "files and files whose size or modification time changed are embedded; entries of vanished files are "
                + "removed; undecodable files are skipped, counted and listed. Commits every --commit-every images, "
                + "so a killed run resumes where its last commit was.",
                "The first run needs --model; later runs reuse the model recorded in the index and refuse another."})
final class IndexCommand implements Callable<Integer> {
    @Mixin
    IndexOptions indexOptions;

    @Mixin
    IndexModelOptions modelOptions;

    @Option(names = "--quantize", description = "Vector quantization of a new index: none, int7 (Lucene 7-bit scalar; alias int8) "
            + "or int4 (default: none, or the index's).")
    String quantize;

    @Option(names = "--batch", defaultValue = "32", description = "Images per encoder batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--commit-every", defaultValue = "256", description = "Commit after this many images (default: ${DEFAULT-VALUE}).")
    int commitEvery;

    @Option(names = "--threads", description = "Decode threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Option(names = "--from-embeddings", paramLabel = "DIR",
            description = "Build the index from the output of 'clip embed-dataset' in DIR, without re-embedding "
                    + "(the model and precision are the ones its job recorded).")
    Path fromEmbeddings;

    // watch mode (issue 24, item 5)
    @Option(names = "--watch", description = "After indexing, keep following the folders: files added, changed, renamed "
            + "or deleted reach the index within about the debounce time plus their embedding (Ctrl-C stops).")
    boolean watch;

    @Option(names = "--debounce-ms", defaultValue = "500", description = "With --watch: quiet time after the last change "
            + "before a pass (default: ${DEFAULT-VALUE}).")
    long debounceMs;

    @Option(names = "--rescan-s", defaultValue = "600", description = "With --watch: a full pass this often, for changes "
            + "the file system did not report (default: ${DEFAULT-VALUE}).")
    long rescanSeconds;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Folders (walked recursively) or image files.")
    List<Path> paths;

    @Mixin
    TextSources textSources;

    @Override
    public Integer call() throws Exception {
        Path dir = indexOptions.dir();
        if (watch && (json || fromEmbeddings != null)) {
            throw new IllegalArgumentException("--watch follows folders and prints a line per pass; not with "
                    + (json ? "--json" : "--from-embeddings"));
        }
        if (fromEmbeddings != null) {
            if (paths != null && !paths.isEmpty()) {
                throw new IllegalArgumentException("give either folders to embed or --from-embeddings, not both");
            }
            if (textSources.captions != null || textSources.hasTexts()) {
                throw new IllegalArgumentException("--captions and --texts embed texts; --from-embeddings imports image vectors only");
            }
            return importEmbeddings(dir);
        }
        if ((paths == null || paths.isEmpty()) && !textSources.hasTexts()) {
            throw new IllegalArgumentException("give the folders or image files to index (or --texts FILE, or --from-embeddings DIR)");
        }
        if (paths == null) {
            paths = List.of();
        }
        // read an explicit captions file before the model loads and the index opens: an unreadable one changes nothing
        dev.jclip.search.CaptionSource captionSource = textSources.captionSource();
        IndexSettings recorded = ImageIndex.exists(dir) ? ImageIndex.readSettings(dir) : null;
        String m = modelOptions.resolve(recorded, dir);
        if (m == null) {
            throw new IllegalArgumentException("no index at " + dir + " yet: give the model to build it with (--model)");
        }
        Precision p = modelOptions.precision(recorded);
        Quantization q = quantize != null ? Quantization.parse(quantize)
                : recorded != null ? recorded.quantization() : Quantization.NONE;
        String fingerprint = ModelFingerprint.of(m);
        long l0 = System.nanoTime();
        // images only unless captions or texts are asked for: the text tower is then loaded too
        Clip clip = Clip.load(m, p, dev.jclip.model.TowerSelection.forInputs(captionSource != null || textSources.hasTexts(),
                !paths.isEmpty()));
        double loadSeconds = (System.nanoTime() - l0) / 1e9;
        IndexSettings settings = new IndexSettings(recorded != null ? recorded.model() : ModelFingerprint.recordedName(m),
                fingerprint, clip.precision().name().toLowerCase(Locale.ROOT), clip.config().embedDim(), q);
        Indexer indexer = new Indexer(ImageEncoder.of(clip)).batchSize(batch).commitEvery(commitEvery)
                .progress(quiet ? null : System.err);
        if (threads != null) {
            indexer.threads(threads);
        }
        textSources.configure(indexer, captionSource, clip);
        if (watch) {
            return IndexWatchMode.run(indexer.progress(null), dir, ImageIndex.openForWriting(dir, settings), paths,
                    java.time.Duration.ofMillis(debounceMs), java.time.Duration.ofSeconds(rescanSeconds));
        }
        IndexReport r;
        int total, texts;
        try (ImageIndex index = ImageIndex.openForWriting(dir, settings)) {
            r = indexer.run(index, paths);
            total = index.size();
            texts = index.textCount();
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("index", dir.toString());
            out.put("model", settings.model());
            out.put("precision", settings.precision());
            out.put("quantization", q.label());
            out.put("scanned", r.scanned());
            out.put("embedded", r.embedded());
            out.put("added", r.added());
            out.put("updated", r.updated());
            out.put("unchanged", r.unchanged());
            out.put("removed", r.removed());
            out.put("known_bad", r.knownBad());
            out.put("bad", r.bad());
            out.put("commits", r.commits());
            out.put("images_in_index", total);
            TextSources.report(out, r, texts);
            out.put("model_load_s", loadSeconds);
            out.put("seconds", r.seconds());
            out.put("images_per_s", r.imagesPerSecond());
            System.out.println(new ObjectMapper().writeValueAsString(out));
            return 0;
        }
        if (r.embedded() == 0 && r.bad().isEmpty()) {
            System.out.printf(Locale.ROOT, "nothing to embed: all %d files unchanged%s; %d removed; the index holds %d images%n",
                    r.unchanged(), r.knownBad() > 0 ? " (" + r.knownBad() + " known bad files skipped)" : "",
                    r.removed(), total);
        } else {
            System.out.printf(Locale.ROOT, "embedded %d images (%d new, %d changed) in %.1f s, %.1f images/s; %d unchanged, "
                            + "%d removed, %d bad; the index holds %d images (%s)%n",
                    r.embedded(), r.added(), r.updated(), r.seconds(), r.imagesPerSecond(), r.unchanged(), r.removed(),
                    r.bad().size() + r.knownBad(), total, dir);
        }
        TextSources.print(r, texts, clip.config().contextLength());
        if (!r.bad().isEmpty()) {
            System.out.println("skipped " + r.bad().size() + " bad files:");
            for (BadFile b : r.bad()) {
                System.out.println("  " + b.path() + ": " + b.reason());
            }
        }
        return 0;
    }

    private int importEmbeddings(Path dir) throws Exception {
        EmbeddingImport.Job job = EmbeddingImport.job(fromEmbeddings);
        IndexSettings recorded = ImageIndex.exists(dir) ? ImageIndex.readSettings(dir) : null;
        Quantization q = quantize != null ? Quantization.parse(quantize)
                : recorded != null ? recorded.quantization() : Quantization.NONE;
        IndexSettings settings = EmbeddingImport.settings(job, q);
        if (recorded != null && (!recorded.fingerprint().equals(settings.fingerprint())
                || !recorded.precision().equals(settings.precision()))) {
            throw new IndexMismatchException("cannot add to " + dir + ": it was built with model " + recorded.model()
                    + " (" + recorded.precision() + "), the embeddings with " + job.model() + " (" + settings.precision()
                    + "); use another --index");
        }
        EmbeddingImport.Report r;
        int total;
        try (ImageIndex index = ImageIndex.openForWriting(dir, recorded != null ? recorded : settings)) {
            r = EmbeddingImport.run(fromEmbeddings, index);
            total = index.size();
        }
        System.out.printf(Locale.ROOT, "imported %d image vectors from %d partitions of %s in %.1f s (no re-embedding)%s; "
                        + "the index holds %d images (%s)%n", r.added(), r.partitions(), fromEmbeddings, r.seconds(),
                r.withoutImage() > 0 ? ", " + r.withoutImage() + " rows without image vectors" : "", total, dir);
        return 0;
    }
}
