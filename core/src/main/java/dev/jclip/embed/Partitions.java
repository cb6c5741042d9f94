package dev.jclip.embed;

import dev.jclip.data.DataSources;
import dev.jclip.data.ImageData;
import dev.jclip.data.IndexedDataset;
import dev.jclip.data.Sample;
import dev.jclip.data.WebDataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Splits a dataset into partitions and reads one partition's samples. WebDataset input keeps its
 * shards (one partition per shard, in the order the pattern lists them); folders, manifests and
 * COCO captions are cut into fixed ranges of {@link EmbedJob#partitionSize()} samples. The plan
 * depends only on the input, so a rerun or another engine finds the same partitions.
 */
public final class Partitions {
    private Partitions() {
    }

    /** Every partition of the job's dataset. */
    public static List<Partition> plan(EmbedJob job) throws IOException {
        DataSources.Spec spec = job.spec();
        List<Partition> out = new ArrayList<>();
        if (DataSources.detect(spec).equals("webdataset")) {
            for (Path shard : WebDataset.shardsOf(job.data())) {
                out.add(new Partition(out.size(), shard.toString(), 0, 0));
            }
            return out;
        }
        int n = DataSources.indexed(spec).size();
        for (int from = 0; from < n; from += job.partitionSize()) {
            out.add(new Partition(out.size(), null, from, Math.min(n, from + job.partitionSize())));
        }
        return out;
    }

    /**
     * A sample with where it came from.
     *
     * @param source the image file, or the shard file
     * @param member the tar member inside the shard, or null
     * @param bytes  size of the encoded image, or -1
     */
    public record Item(Sample sample, String source, String member, long bytes) {
    }

    /** Reads one partition in its stored order; unreadable samples and broken shards are counted, not thrown. */
    public static Reader open(EmbedJob job, Partition p) throws IOException {
        return p.shard() != null ? new ShardReader(job, p) : new RangeReader(job, p);
    }

    /** A partition's samples with the counts of what could not be read. */
    public interface Reader extends Iterator<Item> {
        /** Samples that could not be read (missing files, tar groups without an image). */
        long unreadable();

        /** The first few reasons, for the report. */
        List<String> errors();

        /** Why the shard was abandoned part-way, or null. */
        String shardError();
    }

    private static long sizeOf(ImageData d) {
        return d instanceof ImageData.Encoded e ? e.bytes().length : -1;
    }

    private static final class ShardReader implements Reader {
        private final WebDataset wd;
        private final Iterator<Sample> it;
        private final String shard, prefix;

        ShardReader(EmbedJob job, Partition p) throws IOException {
            // a shard that cannot even be opened (gone, unreadable) is reported like a corrupt one
            Path file = Path.of(p.shard());
            List<String> names = job.classNames() == null ? List.of() : dev.jclip.data.ClassNames.load(job.classNames());
            this.wd = new WebDataset(List.of(file), 0, 0, 1, 0, names, -1);
            this.it = wd.samples(0, 0);
            this.shard = p.shard();
            this.prefix = file.getFileName() + ":";
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public Item next() {
            Sample s = it.next();
            String name = s.image().name();
            String member = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
            return new Item(s, shard, member, sizeOf(s.image()));
        }

        @Override
        public long unreadable() {
            return wd.skipped() - wd.shardErrors().size();
        }

        @Override
        public List<String> errors() {
            return List.of();
        }

        @Override
        public String shardError() {
            List<String> e = wd.shardErrors();
            return e.isEmpty() ? null : String.join("; ", e);
        }
    }

    private static final class RangeReader implements Reader {
        private final IndexedDataset data;
        private final int to;
        private int next;
        private long unreadable;
        private final List<String> errors = new ArrayList<>();
        private Item pending;

        RangeReader(EmbedJob job, Partition p) throws IOException {
            this.data = DataSources.indexed(job.spec());
            if (p.to() > data.size()) {
                throw new IOException("the dataset has " + data.size() + " samples, fewer than when it was planned ("
                        + p.to() + "); rerun into a new output folder");
            }
            this.next = p.from();
            this.to = p.to();
        }

        @Override
        public boolean hasNext() {
            while (pending == null && next < to) {
                int i = next++;
                try {
                    Sample s = data.get(i);
                    pending = new Item(s, s.image().name(), null, sizeOf(s.image()));
                } catch (IOException | RuntimeException e) {
                    unreadable++;
                    if (errors.size() < EmbeddingLayout.MAX_ERRORS) {
                        errors.add("sample " + i + ": " + e);
                    }
                }
            }
            return pending != null;
        }

        @Override
        public Item next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Item it = pending;
            pending = null;
            return it;
        }

        @Override
        public long unreadable() {
            return unreadable;
        }

        @Override
        public List<String> errors() {
            return List.copyOf(errors);
        }

        @Override
        public String shardError() {
            return null;
        }
    }
}
