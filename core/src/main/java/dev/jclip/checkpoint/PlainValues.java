package dev.jclip.checkpoint;

import dev.jclip.tensor.TensorFileException;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies unpickled values that hold no tensors into plain immutable Java values: strings,
 * longs, doubles, booleans, nulls, byte arrays, lists (tuples become lists) and maps.
 *
 * <p>A pickle's memo can make a container hold itself or share one container many times over;
 * copying refuses cycles and bounds depth and size instead of recursing forever.
 */
final class PlainValues {
    private static final int MAX_DEPTH = 100;
    private static final int MAX_NODES = 1_000_000;

    private final String source;
    private final Set<Object> path = Collections.newSetFromMap(new IdentityHashMap<>());
    private int nodes;

    private PlainValues(String source) {
        this.source = source;
    }

    /** What {@link #copy} returns for a value that is or holds a tensor or a TorchScript object. */
    static final Object NOT_PLAIN = new Object();

    /** The plain copy of a value, or {@link #NOT_PLAIN}. */
    static Object copy(Object value, String source) throws TensorFileException {
        try {
            return new PlainValues(source).walk(value, 0);
        } catch (HoldsTensor e) {
            return NOT_PLAIN;
        }
    }

    private static final class HoldsTensor extends Exception {
        HoldsTensor() {
            super(null, null, false, false);
        }
    }

    private Object walk(Object v, int depth) throws TensorFileException, HoldsTensor {
        if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
            throw new TensorFileException(source + ": nested values are too deep or too many");
        }
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof byte[] b) {
            return b.clone();
        }
        if (v instanceof TensorRef || v instanceof ScriptObject) {
            throw new HoldsTensor();
        }
        if (!path.add(v)) {
            throw new TensorFileException(source + ": a container holds itself");
        }
        try {
            if (v instanceof Object[] t) {
                return list(Arrays.asList(t), depth);
            }
            if (v instanceof Iterable<?> items) {
                List<Object> l = new ArrayList<>();
                items.forEach(l::add);
                return list(l, depth);
            }
            if (v instanceof Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.put(walk(e.getKey(), depth + 1), walk(e.getValue(), depth + 1));
                }
                return Collections.unmodifiableMap(out);
            }
            // anything else an allowed global builds is not plain data
            throw new HoldsTensor();
        } finally {
            path.remove(v);
        }
    }

    private List<Object> list(List<?> items, int depth) throws TensorFileException, HoldsTensor {
        List<Object> out = new ArrayList<>(items.size());
        for (Object o : items) {
            out.add(walk(o, depth + 1));
        }
        return Collections.unmodifiableList(out);
    }
}
