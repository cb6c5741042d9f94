package dev.jclip.checkpoint;

import dev.jclip.tensor.TensorFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class SafeUnpicklerTest {

    private static Object load(PickleWriter p, PickleGlobals g) throws TensorFileException {
        return SafeUnpickler.load(p.bytes(), g, "test.pkl");
    }

    private static Object load(PickleWriter p) throws TensorFileException {
        return load(p, PickleGlobals.TORCH_SAVE);
    }

    private static void refused(PickleWriter p, String expected) {
        TensorFileException e = assertThrows(TensorFileException.class, () -> load(p));
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource({"os, system", "posix, system", "builtins, eval", "__builtin__, exec", "builtins, getattr",
            "subprocess, Popen", "torch, load", "torch._utils, _rebuild_device_tensor_from_numpy",
            "numpy.core.multiarray, _reconstruct", "collections, defaultdict", "torch, FloatTensor",
            "__torch__.clip.model, CLIP", "copyreg, _reconstructor"})
    void namedGlobalsOutsideTheAllowListAreRefused(String module, String name) {
        PickleWriter p = new PickleWriter().proto(2).global(module, name).emptyTuple().reduce().stop();
        ForbiddenGlobalException e = assertThrows(ForbiddenGlobalException.class, () -> load(p));
        assertEquals(module + "." + name, e.global());
    }

    @Test
    void stackGlobalAndInstAreCheckedToo() {
        PickleWriter stack = new PickleWriter().proto(4).str("os").str("system").raw(0x93)
                .mark().str("true").tuple().reduce().stop();
        assertEquals("os.system", assertThrows(ForbiddenGlobalException.class, () -> load(stack)).global());
        PickleWriter inst = new PickleWriter().mark().str("id").raw('i', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n').stop();
        assertEquals("os.system", assertThrows(ForbiddenGlobalException.class, () -> load(inst)).global());
    }

    @Test
    void scriptClassesOnlyInTorchScriptModeAndOnlyAsInertObjects() throws TensorFileException {
        PickleWriter p = new PickleWriter().proto(2).global("__torch__.clip.model", "CLIP").emptyTuple().newobj()
                .emptyDict().str("training").bool(false).setitem().build().stop();
        assertThrows(ForbiddenGlobalException.class, () -> load(p, PickleGlobals.TORCH_SAVE));
        ScriptObject o = assertInstanceOf(ScriptObject.class, load(p, PickleGlobals.TORCHSCRIPT));
        assertEquals("__torch__.clip.model.CLIP", o.className());
        assertEquals(Map.of("training", false), o.attributes());
        // a script class is not a function
        PickleWriter call = new PickleWriter().proto(2).global("__torch__.m", "C").emptyTuple().reduce().stop();
        TensorFileException e = assertThrows(TensorFileException.class, () -> load(call, PickleGlobals.TORCHSCRIPT));
        assertTrue(e.getMessage().contains("REDUCE calls a TorchScript class __torch__.m.C"), e.getMessage());
        PickleWriter badName = new PickleWriter().proto(2).global("__torch__.m", "os.system").emptyTuple().newobj().stop();
        assertThrows(ForbiddenGlobalException.class, () -> load(badName, PickleGlobals.TORCHSCRIPT));
    }

    @Test
    void allowedGlobalsCannotBeMisused() {
        refused(new PickleWriter().proto(2).global("torch", "FloatStorage").emptyTuple().reduce().stop(),
                "REDUCE calls a storage type torch.FloatStorage");
        refused(new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().newobj().stop(),
                "NEWOBJ instantiates a function");
        refused(new PickleWriter().proto(2).global("collections", "OrderedDict").mark().str("x").tuple().reduce().stop(),
                "OrderedDict with constructor arguments");
        refused(new PickleWriter().proto(2).str("not callable").emptyTuple().reduce().stop(),
                "REDUCE calls a String");
        refused(new PickleWriter().proto(2).global("torch._utils", "_rebuild_tensor_v2")
                .mark().str("storage").integer(0).ints(1).ints(1).bool(false).none().tuple().reduce().stop(),
                "_rebuild_tensor_v2 expects a storage, got String");
        refused(new PickleWriter().proto(2).str("x").emptyDict().build().stop(), "BUILD on a String");
    }

    @Test
    void persistentIdsMustBeStorageTuples() {
        refused(new PickleWriter().proto(2).str("file:/etc/passwd").raw('Q').stop(),
                "persistent id is not ('storage', type, key, location, numel)");
        refused(new PickleWriter().proto(2).mark().str("storage").str("FloatStorage").str("0").str("cpu")
                .integer(1).tuple().raw('Q').stop(), "persistent id names a String instead of a storage type");
        refused(new PickleWriter().proto(2).mark().str("storage").global("torch", "FloatStorage").str("../../x")
                .str("cpu").integer(1).tuple().raw('Q').stop(), "bad storage key");
        refused(new PickleWriter().proto(2).mark().str("storage").global("torch", "FloatStorage").str("0")
                .str("cpu").integer(-1).tuple().raw('Q').stop(), "bad element count");
        refused(new PickleWriter().proto(0).raw('P', '0', '\n').stop(), "text persistent ids");
    }

    @Test
    void lengthPrefixesAreCheckedBeforeAllocating() {
        long before = allocated();
        refused(new PickleWriter().proto(4).raw(0x8e).le(1L << 40, 8).stop(),
                "a length prefix claims 1099511627776 bytes but only 1 remain");
        refused(new PickleWriter().proto(4).raw(0x8d).le(Long.MAX_VALUE, 8).stop(), "claims");
        refused(new PickleWriter().proto(4).raw(0x96).le(1L << 33, 8).stop(), "claims");
        refused(new PickleWriter().proto(2).raw('X').le(0xffffffffL, 4).stop(), "claims 4294967295 bytes");
        refused(new PickleWriter().proto(2).raw('B').le(0x7fffffffL, 4).stop(), "claims 2147483647 bytes");
        refused(new PickleWriter().proto(2).raw('T').le(0x7ffffff0L, 4).stop(), "claims");
        refused(new PickleWriter().proto(2).raw('T').le(-5, 4).stop(), "negative length");
        refused(new PickleWriter().proto(2).raw(0x8b).le(1 << 30, 4).stop(), "integer of 1073741824 bytes");
        assertTrue(allocated() - before < (8 << 20), "nothing sized by a length prefix was allocated");
    }

    @Test
    void hugeTextIntegersAreRefused() {
        PickleWriter p = new PickleWriter().proto(0).raw('L');
        for (int i = 0; i < 10_000; i++) {
            p.raw('9');
        }
        refused(p.raw('L', '\n').stop(), "integer of 10000 digits");
    }

    @Test
    void unhashableKeysCannotRecurseForever() {
        // a list that contains itself, used as a dict key: Java would hash it forever
        PickleWriter p = new PickleWriter().proto(2).emptyList().put(0).get(0).raw('a')
                .emptyDict().get(0).integer(1).setitem().stop();
        refused(p, "unhashable dict key");
    }

    @Test
    void outOfBandAndExtensionOpcodesAreRefused() {
        refused(new PickleWriter().proto(5).raw(0x97).stop(), "out-of-band buffers");
        refused(new PickleWriter().proto(2).raw(0x82, 1).stop(), "extension registry");
        refused(new PickleWriter().proto(2).mark().raw('o').stop(), "opcode OBJ");
    }

    @Test
    void dictsKeepInsertionOrder() throws TensorFileException {
        PickleWriter p = new PickleWriter().proto(2).emptyDict().mark();
        List<String> keys = List.of("z", "a", "m", "b", "y", "c", "x", "d", "w", "e", "v", "f");
        for (String k : keys) {
            p.str(k).integer(k.charAt(0));
        }
        Map<?, ?> m = (Map<?, ?>) load(p.setitems().stop());
        assertEquals(keys, List.copyOf(m.keySet()));
        Map<?, ?> d = (Map<?, ?>) load(new PickleWriter().proto(0).mark().str("q").none().str("b").bool(true)
                .raw('d').stop());
        assertEquals(List.of("q", "b"), List.copyOf(d.keySet()));
        assertEquals(null, d.get("q"));
        Object[] t = (Object[]) load(new PickleWriter().proto(2).ints(1, 1L << 40).stop());
        assertArrayEquals(new Object[]{1, 1L << 40}, t);
    }

    /** Random opcode soup: only values or TensorFileException, whatever the bytes. */
    @Test
    void randomPicklesAreLoadedOrRefusedCleanly() {
        // opcodes weighted towards the structural ones, with some arguments
        int[] alphabet = {'(', ')', ']', '}', 'a', 'e', 's', 'u', 't', 'l', 'd', 'R', 'b', 'Q', 0x81, 0x85,
                0x86, 0x87, 'N', 0x88, 0x89, 'K', 'M', 'J', 'X', 'q', 'h', 'j', 'r', 0x94, '2', '0', '1', 0x8f,
                0x90, 0x91, 'c', 0x93, 0x8a, 0x8b, 'G', '.'};
        Random rnd = new Random(99);
        for (int i = 0; i < 4000; i++) {
            PickleWriter p = new PickleWriter().proto(2 + rnd.nextInt(4));
            for (int n = rnd.nextInt(40); n > 0; n--) {
                int op = alphabet[rnd.nextInt(alphabet.length)];
                p.raw(op);
                if (op == 'c') {
                    String[][] g = {{"collections", "OrderedDict"}, {"torch._utils", "_rebuild_tensor_v2"},
                            {"torch", "FloatStorage"}, {"torch._utils", "_rebuild_parameter"}, {"torch", "Size"}};
                    String[] pick = g[rnd.nextInt(g.length)];
                    p.raw((pick[0] + "\n" + pick[1] + "\n").chars().toArray());
                } else if (op == 'X') {
                    p.le(rnd.nextInt(8), 4).raw("storage".chars().limit(rnd.nextInt(8)).toArray());
                } else if (op != '.' && rnd.nextBoolean()) {
                    p.raw(rnd.nextInt(256));
                }
            }
            p.stop();
            try {
                SafeUnpickler.load(p.bytes(), PickleGlobals.TORCHSCRIPT, "fuzz");
            } catch (TensorFileException e) {
                // refused: fine
            } catch (Throwable t) {
                fail("case " + i + " threw " + t, t);
            }
        }
    }

    private static long allocated() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
