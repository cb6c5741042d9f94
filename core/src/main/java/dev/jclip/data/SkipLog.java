package dev.jclip.data;

import dev.jclip.report.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs a command left out, each once (an image skipped by several passes over a set is
 * one entry), in the order first seen. Safe to add to from several threads. Commands that read
 * data end by writing it next to their other outputs and printing {@link #summary(Path)}:
 * "N skipped (list: PATH)".
 */
public final class SkipLog {
    /** The list's usual file name inside a run's output folder. */
    public static final String FILE_NAME = "skipped.txt";

    private final Map<String, Skipped> entries = new LinkedHashMap<>();

    public synchronized void add(Skipped s) {
        entries.putIfAbsent(s.item(), s);
    }

    public void add(String item, String reason) {
        add(new Skipped(item, reason));
    }

    public synchronized void addAll(Collection<Skipped> all) {
        all.forEach(s -> entries.putIfAbsent(s.item(), s));
    }

    public synchronized int count() {
        return entries.size();
    }

    public synchronized List<Skipped> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * Writes one line per entry, {@code item<TAB>reason}, atomically (an empty file when nothing
     * was skipped, so a stale list from an earlier run in the same folder never survives).
     *
     * @return {@code file}
     */
    public Path write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Skipped s : entries()) {
            sb.append(s.item()).append('\t').append(s.reason()).append('\n');
        }
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /** "N skipped (list: FILE)", the closing line of every command that reads a data set. */
    public String summary(Path file) {
        return count() + " skipped (list: " + file + ")";
    }

    /** Entries as [item, reason] pairs (for JSON). */
    public static List<List<String>> pairs(List<Skipped> list) {
        List<List<String>> out = new ArrayList<>(list.size());
        list.forEach(s -> out.add(List.of(s.item(), s.reason())));
        return out;
    }
}
