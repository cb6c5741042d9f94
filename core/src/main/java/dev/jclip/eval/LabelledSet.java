package dev.jclip.eval;

import dev.jclip.data.ClassNames;
import dev.jclip.data.CsvDataset;
import dev.jclip.data.DataSources;
import dev.jclip.data.IndexedDataset;
import dev.jclip.data.Sample;
import dev.jclip.data.SkipLog;
import dev.jclip.data.Skipped;
import dev.jclip.data.WebDataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.logging.Logger;

/**
 * A labelled image set for evaluation, from any of the trainer's sources: class folders, idx
 * files, WebDataset shards with {@code .cls} members, or a CSV/TSV manifest with a label column.
 * Class names come from {@code --class-names} (a bundled list or a file) or the folder names.
 *
 * <p>With a limit, random-access sets take evenly spaced samples (so a class-sorted folder still
 * yields every class) and shards take their first samples. Shards are read in the order given,
 * unshuffled, so the set is the same on every run.
 */
public final class LabelledSet {
    private static final Logger LOG = Logger.getLogger(LabelledSet.class.getName());

    private final String description;
    private final String shortName;
    private final List<String> classNames;
    private final IndexedDataset indexed;
    private final int[] selection;
    private final List<Path> shards;
    private final int limit;
    private final String fingerprint;
    private final LabelledSet parent;
    private final int[] positions;
    private final SkipLog readFailures = new SkipLog();

    private LabelledSet(String description, String shortName, List<String> classNames, IndexedDataset indexed, int[] selection,
                        List<Path> shards, int limit, String fingerprint) {
        this(description, shortName, classNames, indexed, selection, shards, limit, fingerprint, null, null);
    }

    private LabelledSet(String description, String shortName, List<String> classNames, IndexedDataset indexed, int[] selection,
                        List<Path> shards, int limit, String fingerprint, LabelledSet parent, int[] positions) {
        this.description = description;
        this.shortName = shortName;
        this.classNames = List.copyOf(classNames);
        this.indexed = indexed;
        this.selection = selection;
        this.shards = shards;
        this.limit = limit;
        this.fingerprint = fingerprint;
        this.parent = parent;
        this.positions = positions;
    }

    /**
     * The samples at the given positions of this set's iteration order (as in
     * {@link Features#positions()}), for example a held-out part.
     *
     * @param what a few words for the description, e.g. "held-out 30%"
     */
    public LabelledSet subset(int[] positions, String what) {
        int[] sorted = positions.clone();
        java.util.Arrays.sort(sorted);
        Fingerprint fp = new Fingerprint().add("parent", fingerprint).add("positions", java.util.Arrays.toString(sorted));
        return new LabelledSet(description + " (" + what + ")", shortName + " (" + what + ")", classNames, null, null, null, 0,
                fp.hex(), this, sorted);
    }

    /**
     * Opens a labelled set.
     *
     * @param spec        where and what (path, type, idx split, class names)
     * @param csvLabelKey the label column of a CSV/TSV manifest
     * @param limit       at most this many samples (≤ 0: all)
     */
    public static LabelledSet open(DataSources.Spec spec, String csvLabelKey, int limit) throws IOException {
        String type = DataSources.detect(spec);
        List<String> names = spec.classNames() == null ? null : ClassNames.load(spec.classNames());
        Fingerprint fp = new Fingerprint().add("kind", "labelled-set").add("type", type).add("limit", limit);
        if (names != null) {
            fp.addAll("classes", names);
        }
        String desc = type + " " + spec.path();
        String shortName = baseName(spec.path());
        switch (type) {
            case "webdataset" -> {
                List<Path> shards = WebDataset.shardsOf(spec.path());
                shards.forEach(fp::addFiles);
                return new LabelledSet(desc, shortName, names != null ? names : List.of(), null, null, shards, limit, fp.hex());
            }
            case "csv", "tsv" -> {
                if (csvLabelKey == null) {
                    throw new IllegalArgumentException("a " + type + " manifest needs a label column for classification (--csv-label-key)");
                }
                Path manifest = Path.of(spec.path());
                fp.addFiles(manifest).add("image", spec.csvImageKey()).add("label", csvLabelKey);
                IndexedDataset d = CsvDataset.open(manifest, type.equals("tsv") ? '\t' : ',', spec.csvImageKey(), null, csvLabelKey);
                return indexed(desc, shortName, d, names != null ? names : List.of(), limit, fp);
            }
            case "folder", "idx" -> {
                fp.addFiles(Path.of(spec.path()));
                if (type.equals("idx")) {
                    fp.add("split", spec.split());
                    desc += " (" + spec.split() + ")";
                    shortName += " (" + spec.split() + ")";
                }
                IndexedDataset d = DataSources.indexed(spec);
                return indexed(desc, shortName, d, d.classNames(), limit, fp);
            }
            case "coco" -> throw new IllegalArgumentException(spec.path() + " is a COCO captions file: it has captions, "
                    + "not class labels; use it for retrieval");
            default -> throw new IllegalArgumentException("unknown dataset type '" + type + "'");
        }
    }

    /** The last name of a path or shard pattern ("…/shifted/gray/" gives "gray"), for labels. */
    static String baseName(String path) {
        String p = path.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
        String base = slash >= 0 ? p.substring(slash + 1) : p;
        return base.isEmpty() ? path : base;
    }

    private static LabelledSet indexed(String desc, String shortName, IndexedDataset d, List<String> names, int limit, Fingerprint fp) {
        int n = d.size();
        int m = limit > 0 ? Math.min(limit, n) : n;
        int[] sel = new int[m];
        for (int j = 0; j < m; j++) {
            sel[j] = (int) ((long) j * n / m);
        }
        return new LabelledSet(desc, shortName, names, d, sel, null, limit, fp.hex());
    }

    /** A description for logs, results and report text: type and full path. */
    public String description() {
        return description;
    }

    /** A short name for chart labels: the base name of the folder or file (with the idx split). */
    public String shortName() {
        return shortName;
    }

    /**
     * The class names, or empty when the source has none (shards or manifests without
     * {@code --class-names}); see {@link #classNamesFor(Features)}.
     */
    public List<String> classNames() {
        return classNames;
    }

    /** The class names, or "0", "1", … up to the largest label in {@code f} when the source names none. */
    public List<String> classNamesFor(Features f) {
        if (!classNames.isEmpty()) {
            return classNames;
        }
        List<String> out = new ArrayList<>();
        for (int c = 0; c < f.impliedClasses(); c++) {
            out.add(Integer.toString(c));
        }
        return out;
    }

    /** The number of samples it will yield, or -1 when unknown until read (shards). */
    public int expectedSize() {
        if (positions != null) {
            return positions.length;
        }
        return selection != null ? selection.length : limit > 0 ? limit : -1;
    }

    /** A key identifying the data: type, files (names, sizes, times), class names and limit. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Samples that could not be read (missing files, broken shards, no label) in the iterations so far. */
    public List<Skipped> readFailures() {
        if (parent == null) {
            return readFailures.entries();
        }
        List<Skipped> all = new ArrayList<>(parent.readFailures());
        all.addAll(readFailures.entries());
        return all;
    }

    /** The samples in order; unreadable and unlabelled ones are left out and counted. */
    public Iterator<Sample> samples() {
        if (parent != null) {
            return new SubsetIterator();
        }
        return selection != null ? new IndexedIterator() : new ShardsIterator();
    }

    /** The parent's samples at {@link #positions} (the others are read but not decoded). */
    private final class SubsetIterator implements Iterator<Sample> {
        private final Iterator<Sample> in = parent.samples();
        private int position;
        private int next;

        @Override
        public boolean hasNext() {
            while (next < positions.length && position < positions[next] && in.hasNext()) {
                in.next();
                position++;
            }
            return next < positions.length && in.hasNext();
        }

        @Override
        public Sample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            next++;
            position++;
            return in.next();
        }
    }

    private final class IndexedIterator implements Iterator<Sample> {
        private int next;
        private Sample pending;

        @Override
        public boolean hasNext() {
            while (pending == null && next < selection.length) {
                int i = selection[next++];
                try {
                    Sample s = indexed.get(i);
                    if (s.label() < 0) {
                        throw new IOException("sample " + s.key() + " has no label");
                    }
                    pending = s;
                } catch (IOException e) {
                    readFailures.add(indexed.describe(i), e.getMessage());
                    LOG.warning("skipping sample " + i + " of " + description + ": " + e.getMessage());
                }
            }
            return pending != null;
        }

        @Override
        public Sample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Sample s = pending;
            pending = null;
            return s;
        }
    }

    /** Shards one after another in the given order (a WebDataset of one shard keeps its member order). */
    private final class ShardsIterator implements Iterator<Sample> {
        private int shard;
        private int yielded;
        private Iterator<Sample> current;
        private WebDataset currentSet;
        private Sample pending;

        @Override
        public boolean hasNext() {
            while (pending == null && (limit <= 0 || yielded < limit)) {
                if (current == null || !current.hasNext()) {
                    if (shard >= shards.size()) {
                        return false;
                    }
                    currentSet = new WebDataset(List.of(shards.get(shard++)), 0, 0, 1, 0, classNames, -1);
                    current = currentSet.samples(0, 0);
                    continue;
                }
                boolean more = current.hasNext();
                readFailures.addAll(currentSet.skippedItems()); // broken members and groups without an image
                if (!more) {
                    continue;
                }
                Sample s = current.next();
                if (s.label() < 0) {
                    readFailures.add(s.image() != null ? s.image().name() : s.key(), "no .cls label");
                    continue;
                }
                pending = s;
            }
            return pending != null;
        }

        @Override
        public Sample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            yielded++;
            Sample s = pending;
            pending = null;
            return s;
        }
    }
}
