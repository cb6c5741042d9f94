package dev.jclip.checkpoint;

import dev.jclip.tensor.DType;
import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.TensorFileException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch zip archive, as written by {@code torch.save} (PyTorch 1.6 and later) and by
 * {@code torch.jit.save}: {@code <prefix>/data.pkl} plus raw little-endian storages
 * {@code <prefix>/data/<key>} (and, for TorchScript, {@code <prefix>/code/}).
 *
 * <p>Reading is bounded by the file: an entry is read only up to the size its directory
 * declares, and that size must be possible for the bytes the entry occupies; storages are read
 * only when a tensor needs them; a tensor must lie inside its storage; and copies made to lay
 * out non-contiguous tensors may not add up to more than the file's size.
 */
public final class TorchArchive implements AutoCloseable {
    /** Real pickles are kilobytes to a few megabytes; each pickle byte can become tens of heap bytes. */
    static final int MAX_PICKLE_BYTES = 32 << 20;
    /** Code files of TorchScript archives are small text files. */
    static final int MAX_CODE_BYTES = 16 << 20;
    /** Deflate cannot expand data by more than about 1032:1; a larger claim is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1100;
    private static final Pattern DATA_PKL = Pattern.compile("([^/]+)/data\\.pkl");

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final long fileSize;
    private final Map<String, ByteBuffer> storages = new HashMap<>();
    private long copiedBytes;

    private TorchArchive(Path file, ZipFile zip, String prefix, long fileSize) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        this.fileSize = fileSize;
    }

    /**
     * Opens an archive and finds its single {@code <prefix>/data.pkl}.
     *
     * @throws TensorFileException when the file is not a complete zip archive or not a PyTorch one
     */
    public static TorchArchive open(Path file) throws IOException {
        long size = Files.size(file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new TensorFileException(file + ": not a complete zip archive (truncated or corrupt: "
                    + e.getMessage() + ")", e);
        }
        try {
            List<String> prefixes = new ArrayList<>();
            zip.stream().forEach(e -> {
                Matcher m = DATA_PKL.matcher(e.getName());
                if (m.matches()) {
                    prefixes.add(m.group(1));
                }
            });
            if (prefixes.size() != 1) {
                throw new TensorFileException(file + ": " + (prefixes.isEmpty()
                        ? "no <prefix>/data.pkl entry, so this zip is not a PyTorch checkpoint"
                        : "several data.pkl entries " + prefixes + "; expected one"));
            }
            TorchArchive a = new TorchArchive(file, zip, prefixes.get(0), size);
            a.checkByteOrder();
            return a;
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e instanceof TensorFileException t ? t
                    : new TensorFileException(file + ": corrupt zip archive (" + e.getMessage() + ")", e);
        }
    }

    private void checkByteOrder() throws IOException {
        byte[] order = readEntry(prefix + "/byteorder", 16, "byte order");
        if (order != null && !new String(order, StandardCharsets.US_ASCII).trim().equals("little")) {
            throw new TensorFileException(file + ": storages are big-endian, which is not supported");
        }
    }

    /** The archive file. */
    public Path file() {
        return file;
    }

    /** The top folder every entry lives under (torch uses the file's stem or {@code archive}). */
    public String prefix() {
        return prefix;
    }

    /** True for TorchScript archives, which carry the modules' code under {@code <prefix>/code/}. */
    public boolean isTorchScript() {
        String code = prefix + "/code/";
        return zip.stream().anyMatch(e -> e.getName().startsWith(code));
    }

    /**
     * Unpickles {@code data.pkl} into plain values with unread {@link TensorRef}s; TorchScript
     * modules come back as {@link ScriptObject}s. Only the globals a checkpoint needs are allowed.
     */
    public Object readData() throws IOException {
        return readPickle(prefix + "/data.pkl", isTorchScript() ? PickleGlobals.TORCHSCRIPT : PickleGlobals.TORCH_SAVE);
    }

    Object readPickle(String entry, PickleGlobals globals) throws IOException {
        byte[] pickle = readEntry(entry, MAX_PICKLE_BYTES, "pickle");
        if (pickle == null) {
            throw new TensorFileException(file + ": entry '" + entry + "' is missing");
        }
        return SafeUnpickler.load(pickle, globals, file + " (" + entry + ")");
    }

    /** The TorchScript code files ({@code .py}), keyed by their path under {@code <prefix>/code/}. */
    Map<String, String> codeFiles() throws IOException {
        String code = prefix + "/code/";
        List<String> names = new ArrayList<>();
        zip.stream().filter(e -> e.getName().startsWith(code) && e.getName().endsWith(".py"))
                .forEach(e -> names.add(e.getName()));
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : names) {
            byte[] b = readEntry(n, MAX_CODE_BYTES, "code file");
            out.put(n.substring(code.length()), new String(b, StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Reads the tensor a reference describes into a contiguous host tensor in the storage's
     * dtype. Contiguous views share the storage's bytes; others are copied.
     *
     * @param name the tensor's name, for error messages
     */
    public HostTensor materialize(TensorRef ref, String name) throws IOException {
        StorageRef s = ref.storage();
        DType dtype = s.dtype();
        long[] size = ref.size(), stride = ref.stride();
        String what = file + ": tensor '" + name + "' (" + dtype + " " + Arrays.toString(size) + ")";
        long numel, extent, bytes;
        try {
            numel = HostTensor.numel(size);
            bytes = Math.multiplyExact(numel, dtype.byteSize());
            extent = TensorViews.extent(ref.offset(), size, stride);
        } catch (ArithmeticException e) {
            throw new TensorFileException(what + ": shape, strides or offset overflow");
        }
        if (extent > s.numel()) {
            throw new TensorFileException(what + ": reaches element " + extent + " of storage '" + s.key()
                    + "', which holds only " + s.numel());
        }
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new TensorFileException(what + ": tensors over 2 GiB are not supported");
        }
        if (numel == 0) {
            return new HostTensor(dtype, size, ByteBuffer.allocate(0));
        }
        ByteBuffer storage = storage(s, name);
        int elem = dtype.byteSize();
        if (TensorViews.isContiguous(size, stride)) {
            ByteBuffer view = storage.slice(Math.toIntExact(ref.offset() * elem), (int) bytes);
            return new HostTensor(dtype, size, view);
        }
        if (copiedBytes + bytes > fileSize) {
            throw new TensorFileException(what + ": laying out non-contiguous tensors would take more than "
                    + "the archive's " + fileSize + " bytes (overlapping strides?)");
        }
        copiedBytes += bytes;
        return new HostTensor(dtype, size, TensorViews.gather(storage, elem, ref.offset(), size, stride));
    }

    private ByteBuffer storage(StorageRef s, String tensorName) throws IOException {
        long need;
        try {
            need = Math.multiplyExact(s.numel(), s.dtype().byteSize());
        } catch (ArithmeticException e) {
            throw new TensorFileException(file + ": storage '" + s.key() + "' declares too many elements");
        }
        ByteBuffer buf = storages.get(s.key());
        String entry = prefix + "/data/" + s.key();
        if (buf == null) {
            byte[] b = readEntry(entry, Integer.MAX_VALUE - 16, "storage");
            if (b == null) {
                throw new TensorFileException(file + ": storage '" + entry + "' of tensor '" + tensorName
                        + "' is missing from the archive");
            }
            buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            storages.put(s.key(), buf);
        }
        if (buf.capacity() < need) {
            throw new TensorFileException(file + ": storage '" + entry + "' of tensor '" + tensorName + "' holds "
                    + buf.capacity() + " bytes but the pickle declares " + s.numel() + " " + s.dtype()
                    + " elements (" + need + " bytes)");
        }
        return buf;
    }

    /**
     * Reads one entry, or returns null when there is none. The size the zip directory declares
     * must be possible for the entry's compressed bytes and within {@code max}; then exactly that
     * many bytes must come out.
     */
    private byte[] readEntry(String name, long max, String kind) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            return null;
        }
        String where = file + ": " + kind + " '" + name + "'";
        long size = e.getSize(), csize = e.getCompressedSize();
        if (size < 0 || csize < 0) {
            throw new TensorFileException(where + " has no declared size");
        }
        boolean plausible = e.getMethod() == ZipEntry.STORED
                ? size <= fileSize
                : csize <= fileSize && size <= csize * MAX_DEFLATE_RATIO + 1024;
        if (!plausible) {
            throw new TensorFileException(where + " claims " + size + " bytes, impossible in a "
                    + fileSize + "-byte archive");
        }
        if (size > max) {
            throw new TensorFileException(where + " is " + size + " bytes; at most " + max + " are supported");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) size);
            if (b.length != size) {
                throw new TensorFileException(where + " is truncated: " + b.length + " of " + size + " bytes");
            }
            if (in.read() != -1) {
                throw new TensorFileException(where + " holds more than the " + size + " bytes it declares");
            }
            return b;
        } catch (TensorFileException t) {
            throw t;
        } catch (IOException | RuntimeException x) {
            throw new TensorFileException(where + " cannot be read (" + x + ")", x);
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
