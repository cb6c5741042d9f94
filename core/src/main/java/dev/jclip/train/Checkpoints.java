package dev.jclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.model.ClipModel;
import dev.jclip.model.ModelFiles;
import dev.jclip.model.StateDicts;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Training checkpoints: one safetensors file per save ({@code checkpoint-<step>.safetensors})
 * holding the model ({@code model.*}), the optimizer state ({@code optim.*}) and, in its metadata,
 * the model configuration and the training position. Files are written to a temporary name and
 * renamed, so a run killed at any moment leaves only complete checkpoints.
 */
public final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)\\.safetensors");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where training stands: steps done, the epoch, and the samples of that epoch consumed. */
    public record Position(long step, long epoch, long batchInEpoch) {
    }

    /** A loaded checkpoint. */
    public record Loaded(Map<String, HostTensor> model, Map<String, HostTensor> optimizer, Position position,
                         JsonNode config) {
    }

    private Checkpoints() {
    }

    public static Path fileFor(Path dir, long step) {
        return dir.resolve(String.format("checkpoint-%08d.safetensors", step));
    }

    /** Writes a checkpoint and deletes all but the newest {@code keepLast}. */
    public static Path save(Path dir, ClipModel model, AdamW optimizer, Position pos, int keepLast) throws IOException {
        Map<String, HostTensor> all = new LinkedHashMap<>();
        StateDicts.toHost(model).forEach((k, v) -> all.put("model." + k, v));
        optimizer.state().forEach((k, v) -> all.put("optim." + k, v));
        ObjectNode p = JSON.createObjectNode();
        p.put("step", pos.step()).put("epoch", pos.epoch()).put("batch_in_epoch", pos.batchInEpoch());
        Path file = fileFor(dir, pos.step());
        Map<String, String> meta = new LinkedHashMap<>(ModelFiles.metadata(model));
        meta.put("jclip.position", p.toString());
        meta.put("format", "jclip-checkpoint");
        SafeTensors.write(file, all, meta);
        List<Path> existing = list(dir);
        for (int i = 0; i < existing.size() - Math.max(1, keepLast); i++) {
            Files.deleteIfExists(existing.get(i));
        }
        return file;
    }

    /** Checkpoint files of a directory, oldest first. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(f -> NAME.matcher(f.getFileName().toString()).matches()).forEach(out::add);
        }
        out.sort((a, b) -> Long.compare(stepOf(a), stepOf(b)));
        return out;
    }

    public static Optional<Path> latest(Path dir) throws IOException {
        List<Path> l = list(dir);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(l.size() - 1));
    }

    private static long stepOf(Path f) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    public static Loaded load(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.readWithMetadata(file);
        Map<String, HostTensor> model = new LinkedHashMap<>(), optim = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith("model.")) {
                model.put(k.substring(6), v);
            } else if (k.startsWith("optim.")) {
                optim.put(k.substring(6), v);
            }
        });
        String pos = c.metadata().get("jclip.position");
        if (pos == null) {
            throw new IOException(file + " is not a jclip training checkpoint (no position metadata)");
        }
        JsonNode p = JSON.readTree(pos);
        return new Loaded(model, optim, new Position(p.get("step").asLong(), p.get("epoch").asLong(),
                p.get("batch_in_epoch").asLong()), JSON.readTree(c.metadata().get(ModelFiles.CONFIG_KEY)));
    }
}
