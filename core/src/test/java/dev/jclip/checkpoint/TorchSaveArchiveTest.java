package dev.jclip.checkpoint;

import dev.jclip.tensor.DType;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.TensorFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** torch.save archives built by hand: layouts, wrappers, and every way such a file can lie. */
class TorchSaveArchiveTest {
    @TempDir
    Path tmp;

    private static final float[] TWELVE = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

    private static PickleWriter stateDict() {
        return new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark();
    }

    private Path archive(byte[] pickle, float[] storage0) throws IOException {
        TorchZip z = new TorchZip("archive").pickle(pickle);
        if (storage0 != null) {
            z.floats("0", storage0);
        }
        return z.write(Files.createTempFile(tmp, "ckpt", ".pt"));
    }

    private static long[] l(long... v) {
        return v;
    }

    @Test
    void stridedViewsBecomeContiguousTensors() throws IOException {
        PickleWriter p = stateDict();
        p.str("transposed").tensor("FloatStorage", "0", 12, 0, l(3, 4), l(1, 3));
        p.str("offset").tensor("FloatStorage", "0", 12, 2, l(2, 3), l(3, 1));
        p.str("scalar").tensor("FloatStorage", "0", 12, 5, l(), l());
        p.str("empty").tensor("FloatStorage", "0", 12, 0, l(0, 4), l(4, 1));
        p.str("column").tensor("FloatStorage", "0", 12, 1, l(3), l(4));
        p.str("broadcast").tensor("FloatStorage", "0", 12, 7, l(2, 3), l(0, 1));
        p.str("param").global("torch._utils", "_rebuild_parameter").mark()
                .tensor("FloatStorage", "0", 12, 0, l(2, 2), l(2, 1))
                .bool(true).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
        StateDict sd = CheckpointReader.read(archive(p.setitems().stop().bytes(), TWELVE));
        assertEquals(StateDict.TORCH_SAVE, sd.format());
        assertEquals(List.of("transposed", "offset", "scalar", "empty", "column", "broadcast", "param"),
                List.copyOf(sd.tensors().keySet()));
        expect(sd, "transposed", l(3, 4), 0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11);
        expect(sd, "offset", l(2, 3), 2, 3, 4, 5, 6, 7);
        expect(sd, "scalar", l(), 5);
        expect(sd, "empty", l(0, 4));
        expect(sd, "column", l(3), 1, 5, 9);
        expect(sd, "broadcast", l(2, 3), 7, 8, 9, 7, 8, 9);
        expect(sd, "param", l(2, 2), 0, 1, 2, 3);
    }

    private static void expect(StateDict sd, String key, long[] shape, float... values) {
        HostTensor t = sd.tensors().get(key);
        assertEquals(DType.F32, t.dtype(), key);
        assertArrayEquals(shape, t.shape(), key);
        assertArrayEquals(values, t.toFloatArray(), key);
    }

    @Test
    void trainingCheckpointYieldsTheModelAndPlainExtras() throws IOException {
        PickleWriter p = new PickleWriter().proto(2).emptyDict().mark();
        p.str("epoch").integer(7);
        p.str("name").str("run-1");
        p.str("lr").real(0.25);
        p.str("shape").mark().integer(1).integer(2).tuple();
        p.str("state_dict").global("collections", "OrderedDict").emptyTuple().reduce().mark()
                .str("module.a").tensor("FloatStorage", "0", 12, 0, l(12), l(1))
                .str("module.b").tensor("FloatStorage", "0", 12, 3, l(2), l(1))
                .setitems();
        // the optimizer's storage is absent: reading it would fail, so this shows it is never read
        p.str("optimizer").emptyDict().mark()
                .str("state").emptyDict().integer(0).emptyDict().str("exp_avg")
                .tensor("FloatStorage", "99", 12, 0, l(12), l(1)).setitem().setitem()
                .str("param_groups").emptyList().mark().emptyDict().str("lr").real(0.1).setitem().appends()
                .setitems();
        StateDict sd = CheckpointReader.read(archive(p.setitems().stop().bytes(), TWELVE));
        assertEquals(List.of("a", "b"), List.copyOf(sd.tensors().keySet()), "module. prefix stripped");
        expect(sd, "b", l(2), 3, 4);
        assertEquals(Map.of("epoch", 7L, "name", "run-1", "lr", 0.25, "shape", List.of(1L, 2L)), sd.extras());
    }

    @Test
    void hyperParametersStoredAsTensorsMoveToExtras() throws IOException {
        PickleWriter p = stateDict();
        p.str("w").tensor("FloatStorage", "0", 12, 0, l(12), l(1));
        p.str("input_resolution").tensor("LongStorage", "1", 1, 0, l(), l());
        TorchZip z = new TorchZip("archive").pickle(p.setitems().stop().bytes()).floats("0", TWELVE)
                .entry("data/1", new byte[]{(byte) 224, 0, 0, 0, 0, 0, 0, 0});
        StateDict sd = CheckpointReader.read(z.write(tmp.resolve("hp.pt")));
        assertEquals(List.of("w"), List.copyOf(sd.tensors().keySet()));
        assertEquals(224L, sd.extras().get("input_resolution"));
    }

    @Test
    void viewsOutsideTheirStorageAreRefused() throws IOException {
        Path f = archive(stateDict().str("w").tensor("FloatStorage", "0", 12, 4, l(3, 3), l(3, 1))
                .setitems().stop().bytes(), TWELVE);
        assertMessage(f, "tensor 'w' (F32 [3, 3]): reaches element 13 of storage '0', which holds only 12");
    }

    @Test
    void storagesSmallerThanDeclaredAreRefused() throws IOException {
        Path f = archive(stateDict().str("w").tensor("FloatStorage", "0", 24, 0, l(24), l(1))
                .setitems().stop().bytes(), TWELVE);
        assertMessage(f, "storage 'archive/data/0' of tensor 'w' holds 48 bytes but the pickle declares 24 F32 "
                + "elements (96 bytes)");
    }

    @Test
    void overflowingShapesAreRefused() throws IOException {
        long big = 1L << 40;
        Path f = archive(stateDict().str("w").tensor("FloatStorage", "0", 12, 0, l(big, big), l(big, 1))
                .setitems().stop().bytes(), TWELVE);
        assertMessage(f, "shape, strides or offset overflow");
    }

    @Test
    void broadcastViewsCannotInflateMemory() throws IOException {
        // a zero stride makes 100 million elements out of one: in bounds, but 400 MB of copies
        Path f = archive(stateDict().str("w").tensor("FloatStorage", "0", 12, 0, l(100_000_000), l(0))
                .setitems().stop().bytes(), TWELVE);
        long before = allocated();
        assertMessage(f, "laying out non-contiguous tensors would take more than the archive's");
        assertTrue(allocated() - before < (16 << 20), "refused before allocating");
    }

    @Test
    void missingStorageIsNamedWithItsTensor() throws IOException {
        Path f = archive(stateDict().str("visual.proj").tensor("FloatStorage", "0", 12, 0, l(12), l(1))
                .setitems().stop().bytes(), null);
        assertMessage(f, "storage 'archive/data/0' of tensor 'visual.proj' is missing from the archive");
    }

    @Test
    void zipWithoutDataPklIsNotACheckpoint() throws IOException {
        Path f = new TorchZip("x").entry("readme.txt", new byte[3]).write(tmp.resolve("other.zip"));
        assertMessage(f, "no <prefix>/data.pkl entry");
    }

    @Test
    void bigEndianArchivesAreRefused() throws IOException {
        Path f = new TorchZip("archive").pickle(stateDict().setitems().stop().bytes())
                .entry("byteorder", "big".getBytes()).write(tmp.resolve("be.pt"));
        assertMessage(f, "big-endian");
    }

    @Test
    void nestedTensorsInsideTheStateDictAreRefused() throws IOException {
        Path f = archive(stateDict().str("group").emptyList().mark()
                .tensor("FloatStorage", "0", 12, 0, l(12), l(1)).appends().setitems().stop().bytes(), TWELVE);
        assertMessage(f, "state dict entry 'group' nests tensors in a list");
    }

    @Test
    void topLevelNonDictIsRefused() throws IOException {
        Path f = archive(new PickleWriter().proto(2).emptyList().stop().bytes(), null);
        assertMessage(f, "the saved object is a list, not a state dict");
    }

    private static void assertMessage(Path f, String expected) {
        TensorFileException e = assertThrows(TensorFileException.class, () -> CheckpointReader.read(f));
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
    }

    /**
     * Byte flips, truncations and splices of a valid archive and of its pickle may only be read
     * or refused with a TensorFileException, allocating in proportion to the file.
     */
    @Test
    void fuzzedArchivesAreReadOrRefusedCleanly() throws IOException {
        PickleWriter p = stateDict();
        p.str("a").tensor("FloatStorage", "0", 12, 0, l(3, 4), l(1, 3));
        p.str("b").tensor("HalfStorage", "1", 4, 0, l(4), l(1));
        p.str("c").global("torch._utils", "_rebuild_parameter").mark()
                .tensor("FloatStorage", "0", 12, 2, l(5), l(2))
                .bool(true).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
        byte[] pickle = p.setitems().stop().bytes();
        byte[] half = new byte[8];
        byte[] good = Files.readAllBytes(new TorchZip("archive").pickle(pickle).floats("0", TWELVE)
                .entry("data/1", half).write(tmp.resolve("good.pt")));
        assertEquals(3, CheckpointReader.read(tmp.resolve("good.pt")).tensors().size());

        Random rnd = new Random(424242L);
        Path f = tmp.resolve("fuzz.pt");
        int ok = 0, refused = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] file;
            if (i % 3 == 0) {
                file = mutate(good, rnd);
            } else {
                // mutate the pickle itself and package it properly, to get past the zip layer
                file = Files.readAllBytes(new TorchZip("archive").pickle(mutate(pickle, rnd))
                        .floats("0", TWELVE).entry("data/1", half).write(f));
            }
            Files.write(f, file);
            long before = allocated();
            try {
                CheckpointReader.read(f);
                ok++;
            } catch (TensorFileException e) {
                refused++;
            } catch (Throwable t) {
                fail("case " + i + " threw " + t, t);
            }
            long used = allocated() - before;
            assertTrue(used < (2 << 20) + 64L * file.length, "case " + i + " allocated " + used);
        }
        assertTrue(ok > 15 && refused > 300, "ok " + ok + ", refused " + refused);
    }

    private static byte[] mutate(byte[] good, Random rnd) {
        switch (rnd.nextInt(4)) {
            case 0:
                return Arrays.copyOf(good, rnd.nextInt(good.length));
            case 1: {
                byte[] b = good.clone();
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            case 2: {
                // duplicate or drop a slice: shifts every later opcode
                int from = rnd.nextInt(good.length), len = rnd.nextInt(Math.min(16, good.length - from) + 1);
                byte[] b = new byte[good.length + (rnd.nextBoolean() ? len : -len)];
                if (b.length > good.length) {
                    System.arraycopy(good, 0, b, 0, from + len);
                    System.arraycopy(good, from, b, from + len, good.length - from);
                } else {
                    System.arraycopy(good, 0, b, 0, from);
                    System.arraycopy(good, from + len, b, from, good.length - from - len);
                }
                return b;
            }
            default: {
                // overwrite a 4-byte little-endian field with an extreme value (lengths, sizes, counts)
                byte[] b = good.clone();
                int at = rnd.nextInt(Math.max(1, b.length - 4));
                int v = rnd.nextBoolean() ? -1 : Integer.MAX_VALUE;
                for (int k = 0; k < 4 && at + k < b.length; k++) {
                    b[at + k] = (byte) (v >>> (8 * k));
                }
                return b;
            }
        }
    }

    private static long allocated() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void archiveApiExposesTheRawTree() throws IOException {
        Path f = archive(stateDict().str("w").tensor("FloatStorage", "0", 12, 0, l(12), l(1))
                .setitems().stop().bytes(), TWELVE);
        try (TorchArchive a = TorchArchive.open(f)) {
            assertEquals("archive", a.prefix());
            assertFalse(a.isTorchScript());
            Map<?, ?> tree = (Map<?, ?>) a.readData();
            TensorRef ref = (TensorRef) tree.get("w");
            assertEquals(new StorageRef("0", DType.F32, 12, "cpu"), ref.storage());
            assertEquals(12, a.materialize(ref, "w").numel());
        }
    }
}
