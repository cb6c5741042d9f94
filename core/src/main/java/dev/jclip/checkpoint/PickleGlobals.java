package dev.jclip.checkpoint;

import dev.jclip.tensor.TensorFileException;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The allow-list of globals a checkpoint pickle may name, and what each one becomes. Anything
 * else is refused when the pickle names it, before it could be called.
 */
final class PickleGlobals {
    /** The globals {@code torch.save} writes. */
    static final PickleGlobals TORCH_SAVE = new PickleGlobals(false);
    /** Those plus {@code __torch__.*} classes, which TorchScript archives use for modules. */
    static final PickleGlobals TORCHSCRIPT = new PickleGlobals(true);

    private static final Pattern SCRIPT_CLASS = Pattern.compile("__torch__(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Real tensors have a handful of dimensions; this only keeps hostile shapes small. */
    private static final int MAX_DIMS = 64;

    private final boolean scriptClasses;

    private PickleGlobals(boolean scriptClasses) {
        this.scriptClasses = scriptClasses;
    }

    /** What the pickle gets for GLOBAL {@code module name}, or a refusal naming it. */
    Object resolve(String module, String name, String source) throws TensorFileException {
        String global = module + "." + name;
        switch (global) {
            case "collections.OrderedDict":
                return (PickleCallable) args -> newOrderedDict(args, source);
            case "torch._utils._rebuild_tensor_v2":
                return (PickleCallable) args -> rebuildTensor(args, source);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                // a Parameter is its data tensor; requires_grad, hooks and extra state do not matter here
                return (PickleCallable) args -> {
                    if (args.length < 1 || !(args[0] instanceof TensorRef)) {
                        throw new TensorFileException(source + ": " + global + " expects a tensor");
                    }
                    return args[0];
                };
            case "torch.Size":
                return (PickleCallable) args -> {
                    if (args.length != 1) {
                        throw new TensorFileException(source + ": torch.Size expects one tuple");
                    }
                    return dims(args[0], "torch.Size", source);
                };
            default:
                break;
        }
        if (module.equals("torch")) {
            TorchStorageType st = TorchStorageType.forName(name);
            if (st != null) {
                return st;
            }
        }
        if (scriptClasses && SCRIPT_CLASS.matcher(module).matches() && IDENTIFIER.matcher(name).matches()) {
            return new ScriptClass(global);
        }
        throw new ForbiddenGlobalException(source, global);
    }

    private static Object newOrderedDict(Object[] args, String source) throws TensorFileException {
        if (args.length != 0) {
            throw new TensorFileException(source + ": OrderedDict with constructor arguments is not supported");
        }
        return new LinkedHashMap<Object, Object>();
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])}. */
    private static TensorRef rebuildTensor(Object[] a, String source) throws TensorFileException {
        if (a.length < 6 || a.length > 7) {
            throw new TensorFileException(source + ": _rebuild_tensor_v2 expects 6 or 7 arguments, got " + a.length);
        }
        if (!(a[0] instanceof StorageRef storage)) {
            throw new TensorFileException(source + ": _rebuild_tensor_v2 expects a storage, got " + typeName(a[0]));
        }
        long offset = nonNegative(a[1], "storage offset", source);
        long[] size = dims(a[2], "size", source);
        long[] stride = dims(a[3], "stride", source);
        if (size.length != stride.length) {
            throw new TensorFileException(source + ": tensor of storage " + storage.key() + " has "
                    + size.length + " sizes but " + stride.length + " strides");
        }
        return new TensorRef(storage, offset, size, stride);
    }

    static long[] dims(Object o, String what, String source) throws TensorFileException {
        List<?> items;
        if (o instanceof Object[] t) {
            items = List.of(t);
        } else if (o instanceof List<?> l) {
            items = l;
        } else {
            throw new TensorFileException(source + ": tensor " + what + " is a " + typeName(o) + ", not a tuple");
        }
        if (items.size() > MAX_DIMS) {
            throw new TensorFileException(source + ": tensor " + what + " has " + items.size() + " dimensions");
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(items.get(i), what, source);
        }
        return out;
    }

    static long nonNegative(Object o, String what, String source) throws TensorFileException {
        Long v = asLong(o);
        if (v == null || v < 0) {
            throw new TensorFileException(source + ": tensor " + what + " must be a non-negative integer, got "
                    + (v == null ? typeName(o) : v.toString()));
        }
        return v;
    }

    /** The value of a pickled Python int as a long, or null when it is not one or does not fit. */
    static Long asLong(Object o) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        return null;
    }

    /** A short description of a pickled value for messages: never the value itself. */
    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Object[]) {
            return "tuple";
        }
        if (o instanceof Map) {
            return "dict";
        }
        if (o instanceof List) {
            return "list";
        }
        return o.getClass().getSimpleName();
    }
}
