package dev.jclip.tensor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * mapping names to {dtype, shape, data_offsets}, then the raw little-endian data.
 *
 * <p>Every offset, size and shape is checked against the file before anything is read, so a
 * hostile header can neither make the reader allocate beyond the file size nor read outside it.
 */
public final class SafeTensors {
    /** Headers larger than this are refused outright (real ones are a few hundred KB). */
    static final long MAX_HEADER = 100L << 20;
    /** Duplicate keys are refused: with a tensor named twice, which entry "wins" would be a parser accident. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private SafeTensors() {
    }

    /** A parsed, validated file: entry descriptions plus the free-form {@code __metadata__}. */
    public record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {
    }

    /** Only the string metadata of a file (reads the header, not the data). */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new TensorFileException(file + ": not a safetensors file (only " + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw new TensorFileException(file + ": header length " + Long.toUnsignedString(headerLen)
                        + " is impossible for a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8, file);
            return metadataOf(header, file);
        }
    }

    /** Reads every tensor of a file into heap buffers. */
    public static Map<String, HostTensor> read(Path file) throws IOException {
        return readWithMetadata(file).tensors();
    }

    /** Reads every tensor of a file and its string metadata. */
    public static Contents readWithMetadata(Path file) throws IOException {
        return readWithMetadata(file, name -> true);
    }

    /**
     * Reads the tensors whose names {@code include} accepts, and the string metadata. The whole
     * header is still validated; the data of the other tensors is never read.
     */
    public static Contents readWithMetadata(Path file, java.util.function.Predicate<String> include) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new TensorFileException(file + ": not a safetensors file (only " + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw new TensorFileException(file + ": header length " + Long.toUnsignedString(headerLen)
                        + " is impossible for a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8, file);
            long dataStart = 8 + headerLen;
            List<Entry> entries = parseHeader(new String(header.array(), StandardCharsets.UTF_8),
                    size - dataStart, file);
            Map<String, HostTensor> out = new LinkedHashMap<>();
            for (Entry e : entries) {
                if (!include.test(e.name)) {
                    continue;
                }
                ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(e.end - e.begin));
                readFully(ch, buf, dataStart + e.begin, file);
                buf.flip();
                out.put(e.name, new HostTensor(e.dtype, e.shape, buf));
            }
            return new Contents(out, metadataOf(header, file));
        }
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private static Map<String, String> metadataOf(ByteBuffer header, Path file) throws TensorFileException {
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode root = headerTree(new String(header.array(), StandardCharsets.UTF_8), file);
        JsonNode m = root == null ? null : root.get("__metadata__");
        if (m != null && m.isObject()) {
            m.fields().forEachRemaining(f -> meta.put(f.getKey(), f.getValue().asText()));
        }
        return meta;
    }

    private static JsonNode headerTree(String json, Path file) throws TensorFileException {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            if (msg != null && msg.startsWith("Duplicate field ")) {
                String name = msg.substring("Duplicate field ".length());
                throw new TensorFileException(file + ": malformed header: tensor " + name + " is listed twice", e);
            }
            throw new TensorFileException(file + ": header is not valid JSON: " + msg, e);
        }
    }

    private static List<Entry> parseHeader(String json, long dataSize, Path file) throws TensorFileException {
        JsonNode root = headerTree(json, file);
        if (root == null || !root.isObject()) {
            throw new TensorFileException(file + ": header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            JsonNode v = f.getValue();
            String where = file + ": tensor '" + name + "'";
            if (!v.isObject() || !v.path("dtype").isTextual() || !v.path("shape").isArray()
                    || !v.path("data_offsets").isArray() || v.path("data_offsets").size() != 2) {
                throw new TensorFileException(where + ": entry needs dtype, shape and two data_offsets");
            }
            DType dtype;
            try {
                dtype = DType.parse(v.get("dtype").asText());
            } catch (IllegalArgumentException e) {
                throw new TensorFileException(where + ": " + e.getMessage());
            }
            long[] shape = new long[v.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = v.get("shape").get(i);
                // isIntegralNumber: a float such as 2.5 would otherwise be truncated to a dimension
                if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                    throw new TensorFileException(where + ": bad dimension " + d);
                }
                shape[i] = d.asLong();
            }
            JsonNode o0 = v.get("data_offsets").get(0), o1 = v.get("data_offsets").get(1);
            if (!o0.isIntegralNumber() || !o1.isIntegralNumber()
                    || !o0.canConvertToLong() || !o1.canConvertToLong()) {
                throw new TensorFileException(where + ": data_offsets are not integers");
            }
            long begin = o0.asLong(), end = o1.asLong();
            if (begin < 0 || end < begin || end > dataSize) {
                throw new TensorFileException(where + ": data_offsets [" + begin + ", " + end
                        + "] lie outside the " + dataSize + " data bytes of the file");
            }
            long expected;
            try {
                expected = Math.multiplyExact(HostTensor.numel(shape), dtype.byteSize());
            } catch (ArithmeticException e) {
                throw new TensorFileException(where + ": shape overflows");
            }
            if (expected != end - begin) {
                throw new TensorFileException(where + ": shape " + java.util.Arrays.toString(shape) + " of "
                        + dtype + " needs " + expected + " bytes but its data_offsets span " + (end - begin));
            }
            if (end - begin > Integer.MAX_VALUE - 16) {
                throw new TensorFileException(where + ": tensors over 2 GiB are not supported");
            }
            entries.add(new Entry(name, dtype, shape, begin, end));
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
        for (int i = 1; i < sorted.size(); i++) {
            Entry prev = sorted.get(i - 1), cur = sorted.get(i);
            if (cur.begin < prev.end) {
                throw new TensorFileException(file + ": tensors '" + prev.name + "' and '" + cur.name
                        + "' have overlapping data ranges");
            }
        }
        return entries;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new TensorFileException(file + ": truncated (unexpected end of file at byte " + pos + ")");
            }
            pos += n;
        }
    }

    /** Writes tensors (in map order) atomically: to a temporary file, then renamed. */
    public static void write(Path file, Map<String, HostTensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** Writes tensors and string metadata atomically: to a temporary file, then renamed. */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype().name());
            var shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long len = t.numel() * t.dtype().byteSize();
            n.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] h = JSON.writeValueAsBytes(header);
        int pad = (8 - h.length % 8) % 8; // align the data section as the reference writer does
        byte[] hp = new byte[h.length + pad];
        System.arraycopy(h, 0, hp, 0, h.length);
        java.util.Arrays.fill(hp, h.length, hp.length, (byte) ' ');
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp);
             var ch = java.nio.channels.Channels.newChannel(out)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hp.length);
            len.flip();
            ch.write(len);
            ch.write(ByteBuffer.wrap(hp));
            for (HostTensor t : tensors.values()) {
                ByteBuffer d = t.data();
                while (d.hasRemaining()) {
                    ch.write(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
