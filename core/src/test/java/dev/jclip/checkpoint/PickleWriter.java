package dev.jclip.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Emits pickle opcodes by hand, so tests can build exactly the (valid or hostile) streams they need. */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleWriter proto(int v) {
        return raw(0x80, v);
    }

    PickleWriter global(String module, String name) {
        raw('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        raw('X');
        le(b.length, 4);
        out.writeBytes(b);
        return this;
    }

    PickleWriter integer(long v) {
        if (v == (int) v) {
            raw('J');
            le(v, 4);
        } else {
            raw(0x8a, 8);
            le(v, 8);
        }
        return this;
    }

    PickleWriter le(long v, int width) {
        for (int i = 0; i < width; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
        return this;
    }

    /** BINFLOAT: a big-endian double. */
    PickleWriter real(double v) {
        raw('G');
        long bits = Double.doubleToLongBits(v);
        for (int i = 7; i >= 0; i--) {
            out.write((int) (bits >>> (8 * i)) & 0xff);
        }
        return this;
    }

    PickleWriter bool(boolean b) {
        return raw(b ? 0x88 : 0x89);
    }

    PickleWriter none() {
        return raw('N');
    }

    PickleWriter mark() {
        return raw('(');
    }

    PickleWriter tuple() {
        return raw('t');
    }

    PickleWriter emptyTuple() {
        return raw(')');
    }

    PickleWriter emptyDict() {
        return raw('}');
    }

    PickleWriter emptyList() {
        return raw(']');
    }

    PickleWriter setitem() {
        return raw('s');
    }

    PickleWriter setitems() {
        return raw('u');
    }

    PickleWriter appends() {
        return raw('e');
    }

    PickleWriter reduce() {
        return raw('R');
    }

    PickleWriter build() {
        return raw('b');
    }

    PickleWriter newobj() {
        return raw(0x81);
    }

    PickleWriter put(int i) {
        return raw('q', i);
    }

    PickleWriter get(int i) {
        return raw('h', i);
    }

    PickleWriter stop() {
        return raw('.');
    }

    PickleWriter ints(long... values) {
        mark();
        for (long v : values) {
            integer(v);
        }
        return tuple();
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}. */
    PickleWriter tensor(String storageType, String key, long storageNumel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(storageNumel).tuple();
        raw('Q');
        integer(offset).ints(size).ints(stride).bool(false);
        global("collections", "OrderedDict").emptyTuple().reduce();
        tuple();
        return reduce();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
