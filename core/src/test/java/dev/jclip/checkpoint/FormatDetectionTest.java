package dev.jclip.checkpoint;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.tensor.TensorFileException;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link CheckpointReader} tells formats apart, for inputs the fixtures do not cover. */
class FormatDetectionTest {
    @TempDir
    Path tmp;

    @Test
    void safetensorsAreRecognizedByContentWhateverTheName() throws IOException {
        Path st = tmp.resolve("weights.bin");
        SafeTensors.write(st, Map.of("module.visual.proj", HostTensor.ofFloats(new float[]{1, 2}, 2)));
        StateDict sd = CheckpointReader.read(st);
        assertEquals(StateDict.SAFETENSORS, sd.format());
        assertEquals(List.of("visual.proj"), List.copyOf(sd.tensors().keySet()), "DDP prefix stripped");
    }

    @Test
    void legacyAndUnknownFilesAreRefusedClearly() throws IOException {
        Path legacy = Files.write(tmp.resolve("old.pt"), new byte[]{(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc});
        TensorFileException e = assertThrows(TensorFileException.class, () -> CheckpointReader.read(legacy));
        assertTrue(e.getMessage().contains("legacy torch.save format"), e.getMessage());
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello, world");
        e = assertThrows(TensorFileException.class, () -> CheckpointReader.read(text));
        assertTrue(e.getMessage().contains("unrecognized checkpoint format"), e.getMessage());
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        e = assertThrows(TensorFileException.class, () -> CheckpointReader.read(empty));
        assertTrue(e.getMessage().contains("no model weights found"), e.getMessage());
    }

    @Test
    void shardedHuggingFaceFoldersAreJoined() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("hf"));
        Map<String, HostTensor> all = SafeTensors.read(Shared.fixtures("models/vit-t/hf/model.safetensors"));
        Map<String, HostTensor> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        int i = 0;
        for (var e : all.entrySet()) {
            String shard = i % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (i++ % 2 == 0 ? a : b).put(e.getKey(), e.getValue());
            index.append(i > 1 ? "," : "").append('"').append(e.getKey()).append("\":\"").append(shard).append('"');
        }
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), a);
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), b);
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}"));
        Files.copy(Shared.fixtures("models/vit-t/hf/config.json"), dir.resolve("config.json"));

        StateDict sharded = CheckpointReader.read(dir);
        StateDict whole = CheckpointReader.read(Shared.fixtures("models/vit-t/hf"));
        assertEquals(StateDict.HUGGING_FACE, sharded.format());
        assertEquals(List.copyOf(whole.tensors().keySet()), List.copyOf(sharded.tensors().keySet()));
        for (var e : whole.tensors().entrySet()) {
            assertArrayEquals(e.getValue().toByteArray(), sharded.tensors().get(e.getKey()).toByteArray());
        }
    }

    @Test
    void shardNamesCannotLeaveTheFolder() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("hf"));
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"x\":\"../../etc/secret.safetensors\"}}");
        TensorFileException e = assertThrows(TensorFileException.class, () -> CheckpointReader.read(dir));
        assertTrue(e.getMessage().contains("is not a plain file name"), e.getMessage());
    }
}
