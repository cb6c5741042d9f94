package dev.jclip.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;

/**
 * WebDataset tar shards, plain or gzip-compressed, streamed. Members are grouped by key (the
 * member path up to the first '.' of its file name): an image ({@code .jpg/.jpeg/.png/.webp})
 * with a caption ({@code .txt}, or {@code .json} with a caption/text/title field) and/or a class
 * index ({@code .cls}). Per epoch the shard order is shuffled from the seed, ranks take shards
 * round-robin, and a seeded shuffle buffer mixes samples; a group without an image or a broken
 * shard is skipped and counted.
 */
public final class WebDataset implements SampleSource {
    private static final Logger LOG = Logger.getLogger(WebDataset.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Path> shards;
    private final long seed;
    private final int rank, world, buffer;
    private final List<String> classNames;
    private final long knownSize;
    private final AtomicLong skipped = new AtomicLong();
    private final SkipLog skippedItems = new SkipLog();
    private final List<String> shardErrors = java.util.Collections.synchronizedList(new ArrayList<>());

    public WebDataset(List<Path> shards, long seed, int rank, int world, int buffer, List<String> classNames, long knownSize) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("no shards");
        }
        if (world > 1 && shards.size() < world) {
            throw new IllegalArgumentException(shards.size() + " shards cannot be split over " + world + " ranks");
        }
        this.shards = List.copyOf(shards);
        this.seed = seed;
        this.rank = rank;
        this.world = world;
        this.buffer = buffer;
        this.classNames = List.copyOf(classNames);
        this.knownSize = knownSize;
    }

    /** Shards from comma-separated files or brace patterns. */
    public static List<Path> shardsOf(String spec) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String part : spec.split(",(?![^{]*})")) {
            for (String s : BracePatterns.expand(part.strip())) {
                Path p = Path.of(s);
                if (!Files.isRegularFile(p)) {
                    throw new IOException("shard not found: " + p);
                }
                out.add(p);
            }
        }
        return out;
    }

    public long skipped() {
        return skipped.get();
    }

    /** What was skipped so far, by shard member (shards that broke off are one entry each). */
    @Override
    public List<Skipped> skippedItems() {
        return skippedItems.entries();
    }

    /** Why shards were abandoned part-way ({@code "<shard>: <error>"}), in the order it happened. */
    public List<String> shardErrors() {
        synchronized (shardErrors) {
            return List.copyOf(shardErrors);
        }
    }

    /** This rank's shards for an epoch. */
    List<Path> shardsFor(long epoch) {
        List<Path> order = new ArrayList<>(shards);
        SplittableRandom r = new SplittableRandom(Seeds.mix(seed, epoch, 0x5A4D));
        for (int i = order.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Path t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        List<Path> mine = new ArrayList<>();
        for (int i = rank; i < order.size(); i += world) {
            mine.add(order.get(i));
        }
        return mine;
    }

    @Override
    public Iterator<Sample> samples(long epoch, long skip) {
        Iterator<Sample> raw = new ShardIterator(shardsFor(epoch));
        Iterator<Sample> mixed = buffer > 1 ? new ShuffleBuffer(raw, buffer, new SplittableRandom(Seeds.mix(seed, epoch, rank, 0xB0F))) : raw;
        for (long i = 0; i < skip && mixed.hasNext(); i++) {
            mixed.next();
        }
        return mixed;
    }

    @Override
    public long size() {
        return knownSize;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** Reads groups of members from shards in turn. */
    private final class ShardIterator implements Iterator<Sample> {
        private final Iterator<Path> shardIt;
        private TarArchiveInputStream tar;
        private Path current;
        private TarArchiveEntry pending;
        private Sample next;

        ShardIterator(List<Path> shards) {
            this.shardIt = shards.iterator();
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                try {
                    if (tar == null) {
                        if (!shardIt.hasNext()) {
                            return false;
                        }
                        current = shardIt.next();
                        tar = open(current);
                        pending = tar.getNextEntry();
                    }
                    next = readGroup();
                    if (next == null && pending == null) {
                        tar.close();
                        tar = null;
                    }
                } catch (IOException | RuntimeException e) {
                    skipped.incrementAndGet();
                    skippedItems.add(current + " (the rest of the shard)", e.toString());
                    shardErrors.add(current + ": " + e);
                    LOG.warning("skipping the rest of shard " + current + ": " + e);
                    closeQuietly();
                }
            }
            return true;
        }

        @Override
        public Sample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Sample s = next;
            next = null;
            return s;
        }

        private void closeQuietly() {
            try {
                if (tar != null) {
                    tar.close();
                }
            } catch (IOException ignored) {
                // already failing; the shard is abandoned either way
            }
            tar = null;
            pending = null;
        }

        /** The next complete group of the current shard, or null at its end. */
        private Sample readGroup() throws IOException {
            while (pending != null) {
                String key = null;
                byte[] image = null;
                String imageName = null, caption = null;
                int label = -1;
                while (pending != null) {
                    if (!pending.isFile()) {
                        pending = tar.getNextEntry();
                        continue;
                    }
                    String name = pending.getName();
                    int slash = name.lastIndexOf('/');
                    int dot = name.indexOf('.', slash + 1);
                    String k = dot < 0 ? name : name.substring(0, dot);
                    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
                    if (key == null) {
                        key = k;
                    } else if (!key.equals(k)) {
                        break;
                    }
                    byte[] data = tar.readAllBytes();
                    switch (ext) {
                        case "jpg", "jpeg", "png", "webp" -> {
                            image = data;
                            imageName = current.getFileName() + ":" + name;
                        }
                        case "txt" -> caption = new String(data, StandardCharsets.UTF_8).strip();
                        case "json" -> caption = captionOf(data, caption);
                        case "cls" -> label = Integer.parseInt(new String(data, StandardCharsets.US_ASCII).strip());
                        default -> { }
                    }
                    pending = tar.getNextEntry();
                }
                if (image != null) {
                    return new Sample(key, new ImageData.Encoded(image, imageName), caption, label);
                }
                skipped.incrementAndGet(); // a group without an image
                skippedItems.add(current.getFileName() + ":" + key, "no image member (.jpg, .jpeg, .png, .webp)");
            }
            return null;
        }
    }

    private static String captionOf(byte[] json, String fallback) {
        try {
            JsonNode n = JSON.readTree(json);
            for (String f : new String[]{"caption", "text", "title"}) {
                if (n.hasNonNull(f)) {
                    return n.get(f).asText();
                }
            }
        } catch (IOException e) {
            // not JSON: keep whatever caption the group has
        }
        return fallback;
    }

    private static TarArchiveInputStream open(Path shard) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(shard), 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new TarArchiveInputStream(in);
    }

    /** Reservoir-style shuffle buffer: fills up, then emits a random element per element read. */
    private static final class ShuffleBuffer implements Iterator<Sample> {
        private final Iterator<Sample> in;
        private final List<Sample> buf = new ArrayList<>();
        private final int size;
        private final SplittableRandom rng;

        ShuffleBuffer(Iterator<Sample> in, int size, SplittableRandom rng) {
            this.in = in;
            this.size = size;
            this.rng = rng;
        }

        @Override
        public boolean hasNext() {
            while (buf.size() < size && in.hasNext()) {
                buf.add(in.next());
            }
            return !buf.isEmpty();
        }

        @Override
        public Sample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int i = rng.nextInt(buf.size());
            Sample s = buf.get(i);
            buf.set(i, buf.get(buf.size() - 1));
            buf.remove(buf.size() - 1);
            return s;
        }
    }
}
