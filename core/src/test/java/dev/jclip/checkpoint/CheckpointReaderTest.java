package dev.jclip.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.tensor.DType;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.TensorFileException;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every format of every fixture model, compared with that model's {@code torch.save} state dict. */
class CheckpointReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a meta.json format name maps to a file and to what reading it must give. */
    private enum Format {
        openai_state_dict("openai_state_dict.pt", StateDict.TORCH_SAVE, true),
        openai_jit("openai_jit.pt", StateDict.TORCHSCRIPT, true),
        open_clip_safetensors("open_clip_model.safetensors", StateDict.SAFETENSORS, false),
        openai_state_dict_fp16("openai_state_dict_fp16.pt", StateDict.TORCH_SAVE, true),
        open_clip_safetensors_fp16("open_clip_model_fp16.safetensors", StateDict.SAFETENSORS, false),
        bf16_safetensors("model_bf16.safetensors", StateDict.SAFETENSORS, false),
        hf_safetensors("hf", StateDict.HUGGING_FACE, true);

        final String file;
        final String format;
        /** Whether the key order must be OpenAI's (safetensors files list keys alphabetically). */
        final boolean openAiOrder;

        Format(String file, String format, boolean openAiOrder) {
            this.file = file;
            this.format = format;
            this.openAiOrder = openAiOrder;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFormatOfEveryModelMatchesTheReferenceStateDict() throws IOException {
        Path models = Shared.fixtures("models");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(models)) {
            for (Path dir : dirs.sorted().toList()) {
                JsonNode meta = JSON.readTree(dir.resolve("meta.json").toFile());
                for (JsonNode f : meta.get("formats")) {
                    Format fmt = Format.valueOf(f.asText());
                    tests.add(DynamicTest.dynamicTest(dir.getFileName() + " " + fmt,
                            () -> check(dir, fmt, dir.resolve(fmt.file))));
                    if (fmt == Format.hf_safetensors) {
                        // the folder, its config.json and its weights file all name the same model
                        tests.add(DynamicTest.dynamicTest(dir.getFileName() + " hf/config.json",
                                () -> check(dir, fmt, dir.resolve("hf/config.json"))));
                        tests.add(DynamicTest.dynamicTest(dir.getFileName() + " hf/model.safetensors",
                                () -> check(dir, fmt, dir.resolve("hf/model.safetensors"))));
                    }
                }
            }
        }
        assertTrue(tests.size() >= 12, "fixtures list at least a dozen model files");
        return tests.stream();
    }

    private static void check(Path dir, Format fmt, Path file) throws IOException {
        StateDict ref = CheckpointReader.read(dir.resolve("openai_state_dict.pt"));
        StateDict got = CheckpointReader.read(file);
        assertEquals(fmt.format, got.format());
        long params = ref.tensors().entrySet().stream()
                .filter(e -> !e.getKey().contains("running_") && !e.getKey().endsWith("num_batches_tracked"))
                .mapToLong(e -> e.getValue().numel()).sum();
        assertEquals(JSON.readTree(dir.resolve("meta.json").toFile()).get("num_params").asLong(), params,
                "the reference holds every parameter of the model");
        if (fmt.openAiOrder) {
            assertEquals(List.copyOf(ref.tensors().keySet()), List.copyOf(got.tensors().keySet()));
        } else {
            assertEquals(Set.copyOf(ref.tensors().keySet()), Set.copyOf(got.tensors().keySet()));
        }
        for (Map.Entry<String, HostTensor> e : ref.tensors().entrySet()) {
            HostTensor want = e.getValue(), have = got.tensors().get(e.getKey());
            String key = e.getKey();
            assertArrayEquals(want.shape(), have.shape(), key);
            switch (fmt) {
                case openai_state_dict_fp16, open_clip_safetensors_fp16 -> {
                    // OpenAI's fp16 conversion halves matrices (and conv kernels), not norms/embeddings/biases
                    assertTrue(have.dtype() == DType.F16 || have.dtype() == want.dtype(), key);
                    assertClose(want, have, 1e-3, key);
                }
                case bf16_safetensors -> {
                    assertEquals(want.dtype().isFloating() ? DType.BF16 : want.dtype(), have.dtype(), key);
                    assertClose(want, have, 8e-3, key);
                }
                default -> {
                    assertEquals(want.dtype(), have.dtype(), key);
                    assertArrayEquals(want.toByteArray(), have.toByteArray(), key + " bit for bit");
                }
            }
        }
    }

    private static void assertClose(HostTensor want, HostTensor have, double rel, String key) {
        float[] w = want.toFloatArray(), h = have.toFloatArray();
        for (int i = 0; i < w.length; i++) {
            double tol = rel * Math.abs(w[i]) + 1e-7;
            if (Math.abs(w[i] - h[i]) > tol) {
                throw new AssertionError(key + "[" + i + "]: " + h[i] + " is not " + w[i] + " within " + tol);
            }
        }
    }

    @Test
    void fp16FilesAgreeBitForBitWithEachOther() throws IOException {
        Path dir = Shared.fixtures("models/vit-t");
        StateDict pt = CheckpointReader.read(dir.resolve("openai_state_dict_fp16.pt"));
        StateDict st = CheckpointReader.read(dir.resolve("open_clip_model_fp16.safetensors"));
        assertTrue(pt.tensors().values().stream().anyMatch(t -> t.dtype() == DType.F16), "stored dtype is kept");
        for (var e : pt.tensors().entrySet()) {
            HostTensor other = st.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), other.dtype(), e.getKey());
            assertArrayEquals(e.getValue().toByteArray(), other.toByteArray(), e.getKey());
        }
    }

    @Test
    void torchScriptLeavesOutNonStateTensors() throws IOException {
        StateDict jit = CheckpointReader.read(Shared.fixtures("models/vit-t/openai_jit.pt"));
        assertTrue(jit.tensors().keySet().stream().noneMatch(k -> k.endsWith("attn_mask")));
        assertFalse(jit.extras().containsKey(TorchScriptReader.UNDECLARED), "every class's code was found");
        StateDict rn = CheckpointReader.read(Shared.fixtures("models/rn-s/openai_jit.pt"));
        assertTrue(rn.tensors().containsKey("visual.bn1.num_batches_tracked"), "buffers are state");
        assertEquals(DType.I64, rn.tensors().get("visual.bn1.num_batches_tracked").dtype());
    }

    @Test
    void huggingFaceReadingKeepsTheConfig() throws IOException {
        StateDict hf = CheckpointReader.read(Shared.fixtures("models/vit-t/hf"));
        assertTrue(hf.extras().get("hf_config") instanceof Map<?, ?> m && m.containsKey("vision_config"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "evil_os_system.pt | posix.system  | /tmp/jclip-pwned-by-pickle",
            "evil_eval.pt      | __builtin__.eval | /tmp/jclip-pwned-by-eval",
    })
    void codeRunningPicklesAreRefusedNamingTheGlobal(String name, String global, String marker) {
        Path f = Shared.fixtures("security/" + name);
        boolean markerBefore = Files.exists(Path.of(marker));
        ForbiddenGlobalException e = assertThrows(ForbiddenGlobalException.class, () -> CheckpointReader.read(f));
        assertEquals(global, e.global());
        assertTrue(e.getMessage().contains("'" + global + "'"), e.getMessage());
        if (!markerBefore) {
            assertFalse(Files.exists(Path.of(marker)), "nothing ran");
        }
    }

    @Test
    void truncatedArchiveIsRefusedClearly() {
        Path f = Shared.fixtures("security/truncated_state_dict.pt");
        TensorFileException e = assertThrows(TensorFileException.class, () -> CheckpointReader.read(f));
        assertTrue(e.getMessage().contains("not a complete zip archive (truncated or corrupt"), e.getMessage());
    }

    @Test
    void missingStoragesAreNamed() {
        Path f = Shared.fixtures("security/missing_storages.pt");
        TensorFileException e = assertThrows(TensorFileException.class, () -> CheckpointReader.read(f));
        assertTrue(e.getMessage().contains("storage 'openai_state_dict/data/0' of tensor 'positional_embedding' "
                + "is missing from the archive"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"st_header_too_long.safetensors", "st_overlap.safetensors", "st_shape_mismatch.safetensors",
            "st_bad_dtype.safetensors", "st_past_end.safetensors"})
    void hostileSafetensorsAreRefused(String name) {
        Path f = Shared.fixtures("security/" + name);
        assertThrows(TensorFileException.class, () -> CheckpointReader.read(f));
    }
}
