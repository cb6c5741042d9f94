package dev.jclip.checkpoint;

import dev.jclip.tensor.TensorFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-built TorchScript archives for what the fixtures do not show. */
class TorchScriptReaderTest {
    @TempDir
    Path tmp;

    private static final float[] FOUR = {1, 2, 3, 4};

    private static PickleWriter module(PickleWriter p, String cls) {
        return p.global("__torch__.m", cls).emptyTuple().newobj();
    }

    @Test
    void declaredStateIsCollectedInStateDictOrderAndTheRestIsLeftOut() throws IOException {
        PickleWriter p = new PickleWriter().proto(2);
        module(p, "Outer").emptyDict().mark()
                .str("mask").tensor("FloatStorage", "0", 4, 0, new long[]{4}, new long[]{1})
                .str("child");
        module(p, "Inner").emptyDict().mark()
                .str("bias").none()
                .str("weight").tensor("FloatStorage", "0", 4, 0, new long[]{2, 2}, new long[]{1, 2})
                .str("count").tensor("LongStorage", "1", 1, 0, new long[]{}, new long[]{})
                .setitems().build();
        p.str("scale").tensor("FloatStorage", "0", 4, 3, new long[]{}, new long[]{})
                .str("training").bool(false)
                .setitems().build().stop();
        String code = "class Outer(Module):\n  __parameters__ = [\"scale\", ]\n  __buffers__ = []\n"
                + "class Inner(Module):\n  __parameters__ = [\"weight\", \"bias\", ]\n  __buffers__ = [\"count\", ]\n";
        Path f = new TorchZip("model").pickle(p.bytes()).floats("0", FOUR).entry("data/1", new byte[8])
                .entry("code/__torch__/m.py", code.getBytes(StandardCharsets.UTF_8)).write(tmp.resolve("jit.pt"));
        StateDict sd = CheckpointReader.read(f);
        assertEquals(StateDict.TORCHSCRIPT, sd.format());
        assertEquals(List.of("scale", "child.weight", "child.count"), List.copyOf(sd.tensors().keySet()));
        assertEquals(4f, sd.tensors().get("scale").toFloatArray()[0]);
        assertEquals(List.of(1f, 3f, 2f, 4f), boxed(sd.tensors().get("child.weight").toFloatArray()));
        assertTrue(sd.extras().isEmpty());
    }

    @Test
    void classesWithoutCodeFallBackToAllTensorsAndSaySo() throws IOException {
        PickleWriter p = new PickleWriter().proto(2);
        module(p, "Undeclared").emptyDict().mark()
                .str("w").tensor("FloatStorage", "0", 4, 0, new long[]{4}, new long[]{1})
                .str("attn_mask").tensor("FloatStorage", "0", 4, 0, new long[]{2}, new long[]{1})
                .setitems().build().stop();
        Path f = new TorchZip("model").pickle(p.bytes()).floats("0", FOUR)
                .entry("code/__torch__/other.py", "class X(Module):\n  __parameters__ = []\n".getBytes())
                .write(tmp.resolve("jit.pt"));
        StateDict sd = CheckpointReader.read(f);
        assertEquals(List.of("w", "attn_mask"), List.copyOf(sd.tensors().keySet()));
        assertEquals(List.of("w", "attn_mask"), sd.extras().get(TorchScriptReader.UNDECLARED));
    }

    @Test
    void aModuleContainingItselfIsRefused() throws IOException {
        PickleWriter p = new PickleWriter().proto(2);
        module(p, "Loop").put(0).emptyDict().mark().str("self").get(0).setitems().build().stop();
        Path f = new TorchZip("model").pickle(p.bytes())
                .entry("code/__torch__/m.py", "class Loop(Module):\n  __parameters__ = []\n".getBytes())
                .write(tmp.resolve("loop.pt"));
        TensorFileException e = assertThrows(TensorFileException.class, () -> CheckpointReader.read(f));
        assertTrue(e.getMessage().contains("module 'self.' contains itself"), e.getMessage());
    }

    @Test
    void theRootMustBeAModule() throws IOException {
        Path f = new TorchZip("model").pickle(new PickleWriter().proto(2).emptyDict().stop().bytes())
                .entry("code/__torch__/m.py", new byte[0]).write(tmp.resolve("dict.pt"));
        TensorFileException e = assertThrows(TensorFileException.class, () -> CheckpointReader.read(f));
        assertTrue(e.getMessage().contains("holds a dict, not a module"), e.getMessage());
    }

    private static List<Float> boxed(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return List.of(out);
    }
}
