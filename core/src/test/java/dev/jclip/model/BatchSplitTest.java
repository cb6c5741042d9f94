package dev.jclip.model;

import dev.jclip.runtime.BatchSplit;
import dev.jclip.runtime.ComputeThreads;
import dev.jclip.runtime.Precision;
import dev.jclip.tensor.Torch;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inference batches cut over the compute threads ({@link BatchSplit}): the same features as the
 * whole batch for both towers and both image encoders, parts on one intra-op thread each without
 * changing the count other threads start from, the caller's grad mode in the workers, failures
 * reaching the caller, and {@code auto} deciding from its own timings.
 */
class BatchSplitTest {
    private int threadsBefore;

    @BeforeEach
    void twoThreads() {
        threadsBefore = torch.get_num_threads();
        ComputeThreads.set(2);
    }

    @AfterEach
    void restore() {
        System.clearProperty("jclip.batchSplit");
        ComputeThreads.set(threadsBefore);
    }

    private static double relErr(Tensor a, Tensor b) {
        return torch.sub(a, b).abs().max().item_double() / b.abs().max().item_double();
    }

    private static double minCosine(Tensor a, Tensor b) {
        return torch.cosine_similarity(a, b, 1, 1e-8).min().item_double();
    }

    private static Tensor tokens(int n) {
        long[] flat = new long[n * 77];
        for (int i = 0; i < n; i++) {
            flat[i * 77] = 49406;
            for (int j = 1; j <= 1 + i % 5; j++) {
                flat[i * 77 + j] = 320 + 7 * i + j;
            }
            flat[i * 77 + 2 + i % 5] = 49407;
        }
        return Torch.longs(flat, n, 77);
    }

    private static Tensor[] encode(ClipModel m, Tensor px, Tensor tk, String mode) {
        System.setProperty("jclip.batchSplit", mode);
        try (InferenceMode im = new InferenceMode()) {
            return new Tensor[]{m.encodeImage(px), m.encodeText(tk)};
        }
    }

    @Test
    void splitBatchesGiveTheWholeBatchesFeatures() {
        for (String preset : new String[]{"ViT-Tiny/8-32px", "RN-Tiny-32px"}) {
            torch.manual_seed(11);
            ClipModel m = new ClipModel(ModelPresets.get(preset));
            m.eval();
            Tensor px = torch.randn(9, 3, 32, 32), tk = tokens(9); // odd: the parts differ in size
            Tensor[] whole = encode(m, px, tk, "off"), split = encode(m, px, tk, "on");
            assertEquals(9, split[0].size(0));
            assertTrue(relErr(split[0], whole[0]) < 1e-5, preset + " image " + relErr(split[0], whole[0]));
            assertTrue(relErr(split[1], whole[1]) < 1e-5, preset + " text " + relErr(split[1], whole[1]));
            m.setPrecision(Precision.BF16);
            Tensor[] bWhole = encode(m, px, tk, "off"), bSplit = encode(m, px, tk, "on");
            assertTrue(minCosine(bSplit[0], bWhole[0]) > 0.999, preset + " bf16 image " + minCosine(bSplit[0], bWhole[0]));
            m.setPrecision(Precision.INT8);
            // dynamic int8 scales activations per call, so a part's scale differs from the batch's
            Tensor[] qWhole = encode(m, px, tk, "off"), qSplit = encode(m, px, tk, "on");
            assertTrue(minCosine(qSplit[0], qWhole[0]) > 0.999, preset + " int8 image " + minCosine(qSplit[0], qWhole[0]));
            assertTrue(minCosine(qSplit[1], qWhole[1]) > 0.999, preset + " int8 text " + minCosine(qSplit[1], qWhole[1]));
        }
    }

    @Test
    void partsRunOnOneThreadEachAndOthersKeepTheirCount() throws Exception {
        System.setProperty("jclip.batchSplit", "on");
        BatchSplit s = new BatchSplit();
        Set<String> names = ConcurrentHashMap.newKeySet();
        AtomicInteger maxThreads = new AtomicInteger();
        Map<String, Boolean> inference = new ConcurrentHashMap<>();
        Tensor x = torch.arange(new Scalar(12)).to(torch.ScalarType.Float).view(6, 2);
        Tensor y;
        try (InferenceMode im = new InferenceMode()) {
            y = s.apply(() -> "t", x, part -> {
                names.add(Thread.currentThread().getName());
                pause(); // long enough that the second part finds the first worker busy
                maxThreads.accumulateAndGet(torch.get_num_threads(), Math::max);
                inference.put(Thread.currentThread().getName(), InferenceMode.is_enabled());
                return part.mul(new Scalar(2.0));
            });
        }
        assertEquals(0.0, torch.sub(y, x.mul(new Scalar(2.0))).abs().max().item_double(), "rows in order");
        assertEquals(2, names.size(), "two parts on two workers: " + names);
        assertTrue(names.stream().allMatch(n -> n.startsWith("jclip-split-")), names.toString());
        assertEquals(1, maxThreads.get(), "each part computes on one intra-op thread");
        assertTrue(inference.values().stream().allMatch(b -> b), "the caller's inference mode reaches the workers");
        assertEquals(2, torch.get_num_threads(), "the caller keeps its threads");
        int[] fresh = new int[1];
        Thread t = new Thread(() -> fresh[0] = torch.get_num_threads());
        t.start();
        t.join();
        assertEquals(2, fresh[0], "a thread started later starts from the caller's count, not the workers'");
        try (NoGradGuard ng = new NoGradGuard()) {
            s.apply(() -> "t", x, part -> {
                inference.put("nograd", InferenceMode.is_enabled());
                return part;
            });
        }
        assertFalse(inference.get("nograd"), "a no-grad caller's parts are no inference tensors");
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void gradientsAndSmallBatchesStayWhole() {
        System.setProperty("jclip.batchSplit", "on");
        BatchSplit s = new BatchSplit();
        Set<String> names = ConcurrentHashMap.newKeySet();
        Tensor x = torch.ones(8, 2);
        try (AutoGradMode grad = new AutoGradMode(true)) {
            s.apply(() -> "t", x, part -> {
                names.add(Thread.currentThread().getName());
                return part;
            });
        }
        try (InferenceMode im = new InferenceMode()) {
            s.apply(() -> "t", torch.ones(3, 2), part -> {
                names.add(Thread.currentThread().getName());
                return part;
            });
        }
        assertEquals(Set.of(Thread.currentThread().getName()), names, "training graphs and 3-row batches run on the caller");
    }

    @Test
    void aFailingPartReachesTheCallerAndTheNextBatchRuns() {
        System.setProperty("jclip.batchSplit", "on");
        BatchSplit s = new BatchSplit();
        Tensor x = torch.arange(new Scalar(8)).to(torch.ScalarType.Float).view(8, 1);
        try (InferenceMode im = new InferenceMode()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.apply(() -> "t", x, part -> {
                if (part.select(0, 0).item_double() == 0) { // the first part only
                    throw new IllegalArgumentException("bad part");
                }
                return part;
            }));
            assertEquals("bad part", e.getMessage());
            assertEquals(8, s.apply(() -> "t", x, part -> part.add(new Scalar(1.0))).size(0));
        }
    }

    @Test
    void autoTimesBothWaysThenKeepsOne() {
        torch.manual_seed(3);
        ClipModel m = new ClipModel(ModelPresets.get("ViT-Tiny/8-32px"));
        m.eval();
        Tensor px = torch.randn(8, 3, 32, 32);
        System.setProperty("jclip.batchSplit", "auto");
        try (InferenceMode im = new InferenceMode()) {
            for (int i = 0; i < 5; i++) {
                m.encodeImage(px);
            }
            assertEquals(Map.of("image/fp32/8", "measuring"), m.batchSplitDecisions(), "five calls: still measuring");
            m.encodeImage(px);
        }
        String d = m.batchSplitDecisions().get("image/fp32/8");
        assertTrue(d != null && d.matches("(split|whole) \\(split/whole [0-9.]+, median of 3 paired calls; last split [0-9.]+ ms, whole [0-9.]+ ms\\)"), String.valueOf(d));
        assertThrows(IllegalArgumentException.class, () -> {
            System.setProperty("jclip.batchSplit", "sometimes");
            BatchSplit.mode();
        });
    }
}
