package dev.jclip.checkpoint;

import dev.jclip.tensor.TensorFileException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.jclip.checkpoint.PickleGlobals.typeName;

/**
 * Pyrolite's unpickler restricted to plain data plus the globals of {@link PickleGlobals}.
 *
 * <p>Pyrolite never executes Python, but by itself it would still turn any unknown global into a
 * {@code ClassDict}, call {@code __setstate__} reflectively on BUILD, trust length prefixes
 * (allocating what a 4- or 8-byte length claims) and lose dict order. So every opcode that
 * names or calls a global, builds an object, carries a length or fills a dict is handled here;
 * the rest (numbers, short strings, tuples, lists, memo, marks) is Pyrolite's.
 */
final class SafeUnpickler extends Unpickler {
    private static final short MARK = '(', GLOBAL = 'c', INST = 'i', OBJ = 'o', REDUCE = 'R', BUILD = 'b';
    private static final short PERSID = 'P', BINPERSID = 'Q', DICT = 'd', EMPTY_DICT = '}';
    private static final short SETITEM = 's', SETITEMS = 'u', LONG = 'L';
    private static final short BINSTRING = 'T', BINBYTES = 'B', BINUNICODE = 'X';
    private static final short NEWOBJ = 0x81, EXT1 = 0x82, EXT2 = 0x83, EXT4 = 0x84, LONG4 = 0x8b;
    private static final short BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, EMPTY_SET = 0x8f, ADDITEMS = 0x90;
    private static final short FROZENSET = 0x91, NEWOBJ_EX = 0x92, STACK_GLOBAL = 0x93;
    private static final short BYTEARRAY8 = 0x96, NEXT_BUFFER = 0x97, READONLY_BUFFER = 0x98;

    /** Checkpoint integers are small; huge ones only serve to make BigInteger parsing slow. */
    private static final int MAX_INT_BYTES = 64;
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_.\\-]{1,256}");

    private final PickleGlobals globals;
    private final String source;
    private ByteArrayInputStream data;

    private SafeUnpickler(PickleGlobals globals, String source) {
        this.globals = globals;
        this.source = source;
    }

    /**
     * Unpickles bytes into plain Java values: dicts as insertion-ordered maps, tuples as
     * {@code Object[]}, lists, strings, numbers, booleans, null, plus {@link TensorRef},
     * {@link ScriptObject} and whatever else the allowed globals build.
     *
     * @param source names the pickle in error messages
     */
    static Object load(byte[] pickle, PickleGlobals globals, String source) throws TensorFileException {
        SafeUnpickler u = new SafeUnpickler(globals, source);
        try {
            u.data = new ByteArrayInputStream(pickle);
            return u.load(u.data);
        } catch (TensorFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TensorFileException(source + ": malformed pickle: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Pyrolite's own opcodes fail this way on a malformed stack (wrong types, no mark, ...)
            throw new TensorFileException(source + ": malformed pickle (" + e + ")", e);
        } catch (StackOverflowError e) {
            // last resort: values are built iteratively, but keep a pathological file from killing the thread
            throw new TensorFileException(source + ": malformed pickle (nesting too deep)");
        } finally {
            u.close();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(globals.resolve(module, name, source));
            }
            case STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw malformed("STACK_GLOBAL needs two strings");
                }
                stack.add(globals.resolve(m, n, source));
            }
            case INST -> {
                // resolve first so that a hostile name is reported as such
                globals.resolve(PickleUtils.readline(input), PickleUtils.readline(input), source);
                throw malformed("opcode INST is not used by PyTorch checkpoints");
            }
            case OBJ -> throw malformed("opcode OBJ is not used by PyTorch checkpoints");
            case NEWOBJ_EX -> throw malformed("opcode NEWOBJ_EX is not used by PyTorch checkpoints");
            case EXT1, EXT2, EXT4 -> throw malformed("extension registry opcodes are not supported");
            case NEXT_BUFFER, READONLY_BUFFER -> throw malformed("out-of-band buffers are not supported");
            case PERSID -> throw malformed("text persistent ids are not used by PyTorch checkpoints");
            case REDUCE -> {
                Object args = stack.pop();
                Object fn = stack.pop();
                if (!(fn instanceof PickleCallable c)) {
                    throw malformed("REDUCE calls a " + describe(fn) + ", which is not an allowed callable");
                }
                if (!(args instanceof Object[] a)) {
                    throw malformed("REDUCE arguments are a " + typeName(args) + ", not a tuple");
                }
                stack.add(c.call(a));
            }
            case NEWOBJ -> {
                Object args = stack.pop();
                Object cls = stack.pop();
                if (!(cls instanceof ScriptClass sc)) {
                    throw malformed("NEWOBJ instantiates a " + describe(cls) + ", which is not an allowed class");
                }
                if (!(args instanceof Object[] a) || a.length != 0) {
                    throw malformed("NEWOBJ of " + sc.qualifiedName() + " with constructor arguments");
                }
                stack.add(new ScriptObject(sc.qualifiedName()));
            }
            case BUILD -> {
                Object state = stack.pop();
                build(stack.peek(), state);
            }
            case BINPERSID -> stack.add(storage(stack.pop()));
            case EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case DICT -> {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> m = new LinkedHashMap<>();
                putPairs(m, items);
                stack.add(m);
            }
            case SETITEM -> {
                Object value = stack.pop();
                Object k = stack.pop();
                putPair(targetMap(), k, value);
            }
            case SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                putPairs(targetMap(), items);
            }
            case EMPTY_SET -> stack.add(new LinkedHashSet<>());
            case ADDITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                if (!(stack.peek() instanceof Set<?>)) {
                    throw malformed("ADDITEMS on a " + typeName(stack.peek()));
                }
                @SuppressWarnings("unchecked") Set<Object> s = (Set<Object>) stack.peek();
                for (Object o : items) {
                    s.add(hashable(o));
                }
            }
            case FROZENSET -> {
                Set<Object> s = new LinkedHashSet<>();
                for (Object o : stack.pop_all_since_marker()) {
                    s.add(hashable(o));
                }
                stack.add(s);
            }
            case BINSTRING -> stack.add(PickleUtils.rawStringFromBytes(bytes(signedLength(4))));
            case BINBYTES -> stack.add(bytes(unsignedLength(4)));
            case BINUNICODE -> stack.add(new String(bytes(unsignedLength(4)), StandardCharsets.UTF_8));
            case BINUNICODE8 -> stack.add(new String(bytes(signedLength(8)), StandardCharsets.UTF_8));
            case BINBYTES8, BYTEARRAY8 -> stack.add(bytes(signedLength(8)));
            case LONG4 -> {
                long n = signedLength(4);
                if (n > MAX_INT_BYTES) {
                    throw malformed("integer of " + n + " bytes");
                }
                stack.add(PickleUtils.decode_long(bytes(n)));
            }
            case LONG -> {
                String line = PickleUtils.readline(input);
                if (line.endsWith("L")) {
                    line = line.substring(0, line.length() - 1);
                }
                if (line.length() > 2 * MAX_INT_BYTES) {
                    throw malformed("integer of " + line.length() + " digits");
                }
                try {
                    stack.add(PickleUtils.optimizeBigint(new BigInteger(line)));
                } catch (NumberFormatException e) {
                    throw malformed("bad LONG literal");
                }
            }
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    @Override
    protected Object persistentLoad(Object pid) {
        // unreachable: both persistent-id opcodes are handled in dispatch
        throw new IllegalStateException("persistent ids are resolved in dispatch");
    }

    /** {@code ('storage', torch.XStorage, key, location, numel)} → a storage reference. */
    private StorageRef storage(Object pid) throws TensorFileException {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])) {
            throw malformed("persistent id is not ('storage', type, key, location, numel)");
        }
        if (!(t[1] instanceof TorchStorageType type)) {
            throw malformed("persistent id names a " + describe(t[1]) + " instead of a storage type");
        }
        if (!(t[2] instanceof String k) || !STORAGE_KEY.matcher(k).matches()) {
            throw malformed("persistent id has a bad storage key");
        }
        if (!(t[3] instanceof String location)) {
            throw malformed("persistent id has a bad location");
        }
        Long numel = PickleGlobals.asLong(t[4]);
        if (numel == null || numel < 0) {
            throw malformed("storage " + k + " has a bad element count");
        }
        return new StorageRef(k, type.dtype(), numel, location);
    }

    private void build(Object target, Object state) throws TensorFileException {
        if (target instanceof ScriptObject so) {
            if (!(state instanceof Map<?, ?> attrs)) {
                throw malformed("state of " + so.className() + " is a " + typeName(state) + ", not a dict");
            }
            for (Map.Entry<?, ?> e : attrs.entrySet()) {
                if (!(e.getKey() instanceof String name)) {
                    throw malformed("attribute name of " + so.className() + " is not a string");
                }
                so.setAttribute(name, e.getValue());
            }
        } else if (!(target instanceof Map)) {
            // a dict's state is instance attributes such as a state dict's _metadata: nothing we need
            throw malformed("BUILD on a " + describe(target));
        }
    }

    private Map<Object, Object> targetMap() throws TensorFileException {
        Object t = stack.peek();
        if (!(t instanceof Map)) {
            throw malformed("SETITEM(S) on a " + typeName(t));
        }
        @SuppressWarnings("unchecked") Map<Object, Object> m = (Map<Object, Object>) t;
        return m;
    }

    private void putPairs(Map<Object, Object> m, List<Object> items) throws TensorFileException {
        if (items.size() % 2 != 0) {
            throw malformed("dict items come in an odd number");
        }
        for (int i = 0; i < items.size(); i += 2) {
            putPair(m, items.get(i), items.get(i + 1));
        }
    }

    private void putPair(Map<Object, Object> m, Object k, Object v) throws TensorFileException {
        m.put(hashable(k), v);
    }

    /**
     * Keys are hashed by Java; a list or dict key (unhashable in Python too) could contain itself
     * through the memo and send hashCode into endless recursion.
     */
    private Object hashable(Object k) throws TensorFileException {
        if (k instanceof Map || k instanceof List || k instanceof Set) {
            throw malformed("unhashable dict key or set item (" + typeName(k) + ")");
        }
        return k;
    }

    private long unsignedLength(int width) throws IOException {
        byte[] b = PickleUtils.readbytes(input, width);
        return width == 4 ? PickleUtils.bytes_to_uint(b, 0) : PickleUtils.bytes_to_long(b, 0);
    }

    private long signedLength(int width) throws IOException {
        byte[] b = PickleUtils.readbytes(input, width);
        long n = width == 4 ? PickleUtils.bytes_to_integer(b) : PickleUtils.bytes_to_long(b, 0);
        if (n < 0) {
            throw malformed("negative length " + n);
        }
        return n;
    }

    /** Reads a length-prefixed payload only after checking that the pickle really holds it. */
    private byte[] bytes(long n) throws TensorFileException {
        if (n < 0 || n > data.available()) {
            throw malformed("a length prefix claims " + Long.toUnsignedString(n) + " bytes but only "
                    + data.available() + " remain");
        }
        byte[] b = new byte[(int) n];
        data.readNBytes(b, 0, b.length);
        return b;
    }

    private static String describe(Object o) {
        if (o instanceof TorchStorageType st) {
            return "storage type torch." + st.name();
        }
        if (o instanceof ScriptClass sc) {
            return "TorchScript class " + sc.qualifiedName();
        }
        if (o instanceof PickleCallable) {
            return "function";
        }
        return typeName(o);
    }

    private TensorFileException malformed(String what) {
        return new TensorFileException(source + ": malformed or unsupported pickle: " + what);
    }
}
