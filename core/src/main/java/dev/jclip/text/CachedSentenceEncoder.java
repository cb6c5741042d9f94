package dev.jclip.text;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A {@link SentenceEncoder} whose vectors are kept on disk, keyed by the encoder's {@link #id()}
 * (model name and weight digest) and the exact text: a locked tower encodes each caption once,
 * ever. One append-only file per encoder ({@code <id>.bin}: records of UTF-8 length, text bytes
 * and {@code dim} little-endian floats), appended under a file lock so concurrent runs can share
 * it; a record cut short by a killed process is ignored (and then appended again).
 */
public final class CachedSentenceEncoder implements SentenceEncoder {
    private static final Logger LOG = Logger.getLogger(CachedSentenceEncoder.class.getName());

    private final SentenceEncoder inner;
    private final Path file;
    private final Map<String, float[]> memory = new HashMap<>();
    private int hits, misses;

    private CachedSentenceEncoder(Path dir, SentenceEncoder inner) {
        this.inner = inner;
        this.file = dir == null ? null : dir.resolve(inner.id() + ".bin");
        if (file != null && Files.isRegularFile(file)) {
            load();
        }
    }

    /** Caches {@code inner}'s vectors in {@code dir} (created on first write); null keeps them in memory only. */
    public static CachedSentenceEncoder at(Path dir, SentenceEncoder inner) {
        return new CachedSentenceEncoder(dir, inner);
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public int dim() {
        return inner.dim();
    }

    /** Texts answered from the cache so far. */
    public int hits() {
        return hits;
    }

    /** Texts that had to be encoded so far. */
    public int misses() {
        return misses;
    }

    @Override
    public synchronized float[][] encode(List<String> texts) {
        Map<String, Integer> todo = new LinkedHashMap<>();
        for (String t : texts) {
            if (!memory.containsKey(t) && !todo.containsKey(t)) {
                todo.put(t, todo.size());
            }
        }
        if (!todo.isEmpty()) {
            List<String> fresh = new ArrayList<>(todo.keySet());
            float[][] v = inner.encode(fresh);
            for (int i = 0; i < fresh.size(); i++) {
                memory.put(fresh.get(i), v[i]);
            }
            append(fresh, v);
        }
        misses += todo.size();
        hits += texts.size() - todo.size();
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            out[i] = memory.get(texts.get(i)).clone();
        }
        return out;
    }

    private void load() {
        int d = inner.dim();
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            byte[] row = new byte[4 * d];
            while (true) {
                int len;
                try {
                    len = in.readInt();
                    if (len < 0 || len > (1 << 24)) {
                        LOG.warning("ignoring the rest of " + file + ": bad record length " + len);
                        return;
                    }
                    byte[] text = new byte[len];
                    in.readFully(text);
                    in.readFully(row);
                    float[] v = new float[d];
                    ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                    memory.put(new String(text, StandardCharsets.UTF_8), v);
                } catch (EOFException e) {
                    return; // the end, or a record cut short
                }
            }
        } catch (IOException e) {
            LOG.warning("ignoring unreadable text-feature cache " + file + ": " + e);
        }
    }

    private void append(List<String> texts, float[][] v) {
        if (file == null) {
            return;
        }
        int d = inner.dim();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
                 FileLock lock = ch.lock()) {
                for (int i = 0; i < texts.size(); i++) {
                    byte[] t = texts.get(i).getBytes(StandardCharsets.UTF_8);
                    ByteBuffer b = ByteBuffer.allocate(4 + t.length + 4 * d);
                    b.order(ByteOrder.BIG_ENDIAN).putInt(t.length).put(t);
                    b.order(ByteOrder.LITTLE_ENDIAN);
                    for (float x : v[i]) {
                        b.putFloat(x);
                    }
                    b.flip();
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the text-feature cache " + file, e);
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
