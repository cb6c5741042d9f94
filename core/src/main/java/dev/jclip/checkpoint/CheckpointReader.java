package dev.jclip.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.tensor.TensorFileException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CLIP checkpoint in any of the formats it is distributed in, safely, into OpenAI key
 * naming:
 * <ul>
 *   <li>TorchScript archives ({@code torch.jit.save}; the released OpenAI {@code .pt} files):
 *       a zip with {@code data.pkl} and {@code code/};</li>
 *   <li>{@code torch.save} archives: a zip with {@code data.pkl}, holding a state dict or an
 *       open_clip training checkpoint ({@code state_dict} inside, possibly with DDP's
 *       {@code module.} prefix);</li>
 *   <li>safetensors files (open_clip's use OpenAI names);</li>
 *   <li>Hugging Face {@code CLIPModel} checkpoints: a folder with {@code config.json} and
 *       {@code model.safetensors} (or a sharded index, or {@code pytorch_model.bin}), or such a
 *       weights file, converted by {@link HfClipConverter}.</li>
 * </ul>
 * Nothing in a file is ever executed: pickles may only name tensor-rebuilding globals, and every
 * size and offset is checked against the file before memory is allocated for it.
 */
public final class CheckpointReader {
    /**
     * Hyper-parameters that released TorchScript models carry as tensors; they are not weights,
     * so they move to the extras as longs (OpenAI's loader deletes them).
     */
    private static final Set<String> CONFIG_SCALARS = Set.of("input_resolution", "context_length", "vocab_size");
    /** Weight files looked for in a Hugging Face (or open_clip) model folder, in order. */
    private static final List<String> FOLDER_WEIGHTS = List.of("model.safetensors", "model.safetensors.index.json",
            "pytorch_model.bin", "open_clip_model.safetensors", "open_clip_pytorch_model.bin");
    private static final long MAX_JSON_BYTES = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointReader() {
    }

    /**
     * Reads a checkpoint file, or a Hugging Face model folder (or its {@code config.json}).
     *
     * @return the tensors in OpenAI naming, the detected format and any non-tensor entries
     * @throws TensorFileException when the file is malformed, truncated, of an unknown format, or
     *                             refused (e.g. a pickle naming a global such as {@code os.system})
     */
    public static StateDict read(Path pathOrHfDir) throws IOException {
        Path p = pathOrHfDir;
        if (Files.isDirectory(p)) {
            return readFolder(p);
        }
        if (p.getFileName() != null && p.getFileName().toString().equals("config.json")) {
            return readFolder(p.toAbsolutePath().getParent());
        }
        return normalize(readFile(p), p.toAbsolutePath().resolveSibling("config.json"));
    }

    private static StateDict readFolder(Path dir) throws IOException {
        for (String name : FOLDER_WEIGHTS) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) {
                StateDict raw = name.endsWith(".index.json") ? readShards(f) : readFile(f);
                return normalize(raw, dir.resolve("config.json"));
            }
        }
        throw new TensorFileException(dir + ": no model weights found (looked for " + FOLDER_WEIGHTS + ")");
    }

    /** Reads one file in the format its first bytes (or, for safetensors, its name) show. */
    private static StateDict readFile(Path file) throws IOException {
        byte[] head = new byte[16];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
            try (TorchArchive a = TorchArchive.open(file)) {
                return a.isTorchScript() ? TorchScriptReader.read(a) : TorchSaveReader.read(a);
            }
        }
        if (file.toString().endsWith(".safetensors") || looksLikeSafetensors(head, n)) {
            SafeTensors.Contents c = SafeTensors.readWithMetadata(file);
            Map<String, Object> extras = new LinkedHashMap<>();
            if (!c.metadata().isEmpty()) {
                extras.put("__metadata__", c.metadata());
            }
            return new StateDict(c.tensors(), StateDict.SAFETENSORS, extras);
        }
        if (n >= 3 && (head[0] & 0xff) == 0x80 && head[1] <= 5 && (head[2] & 0xff) == 0x8a) {
            // PROTO then LONG1: the magic number that legacy files start with
            throw new TensorFileException(file + ": a bare pickle, i.e. the legacy torch.save format "
                    + "of PyTorch before 1.6, which is not supported; re-save it with a current PyTorch");
        }
        throw new TensorFileException(file + ": unrecognized checkpoint format (neither a PyTorch zip "
                + "archive nor safetensors)");
    }

    private static boolean looksLikeSafetensors(byte[] head, int n) {
        if (n < 9) {
            return false;
        }
        long len = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return len >= 2 && head[8] == '{';
    }

    /** A sharded Hugging Face checkpoint: an index mapping each tensor to one of several safetensors files. */
    private static StateDict readShards(Path index) throws IOException {
        JsonNode map = readJson(index).path("weight_map");
        if (!map.isObject()) {
            throw new TensorFileException(index + ": no weight_map object");
        }
        Map<String, HostTensor> all = new LinkedHashMap<>();
        Set<String> shards = new LinkedHashSet<>();
        map.elements().forEachRemaining(v -> shards.add(v.asText()));
        for (String shard : shards) {
            // shards are siblings; a path here could point anywhere on the machine
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")) {
                throw new TensorFileException(index + ": shard name '" + shard + "' is not a plain file name");
            }
            for (var e : SafeTensors.read(index.resolveSibling(shard)).entrySet()) {
                if (all.put(e.getKey(), e.getValue()) != null) {
                    throw new TensorFileException(index + ": tensor '" + e.getKey() + "' is in several shards");
                }
            }
        }
        return new StateDict(all, StateDict.SAFETENSORS, Map.of());
    }

    /** DDP prefix, Hugging Face naming and hyper-parameter entries, whatever the container. */
    private static StateDict normalize(StateDict raw, Path config) throws IOException {
        Map<String, HostTensor> tensors = stripPrefix(raw.tensors(), "module.");
        Map<String, Object> extras = new LinkedHashMap<>(raw.extras());
        String format = raw.format();
        if (HfClipConverter.isHfNaming(tensors.keySet())) {
            JsonNode cfg = Files.isRegularFile(config) ? readJson(config) : null;
            tensors = HfClipConverter.toOpenAi(tensors, cfg);
            format = StateDict.HUGGING_FACE;
            if (cfg != null) {
                extras.put("hf_config", JSON.convertValue(cfg, Map.class));
            }
        }
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor t = e.getValue();
            if (CONFIG_SCALARS.contains(e.getKey()) && t.numel() == 1) {
                extras.put(e.getKey(), t.dtype().isFloating() ? (long) t.toFloatArray()[0] : t.toLongArray()[0]);
            } else {
                weights.put(e.getKey(), t);
            }
        }
        return new StateDict(weights, format, extras);
    }

    private static Map<String, HostTensor> stripPrefix(Map<String, HostTensor> tensors, String prefix) {
        if (tensors.isEmpty() || !tensors.keySet().stream().allMatch(k -> k.startsWith(prefix))) {
            return tensors;
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k.substring(prefix.length()), v));
        return out;
    }

    private static JsonNode readJson(Path f) throws IOException {
        if (Files.size(f) > MAX_JSON_BYTES) {
            throw new TensorFileException(f + ": " + Files.size(f) + " bytes is too large for a config file");
        }
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(f));
            if (n == null || !n.isObject()) {
                throw new TensorFileException(f + ": not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new TensorFileException(f + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
