package dev.jclip.tensor;

import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class SafeTensorsTest {

    @TempDir
    Path tmp;

    private static HostTensor tensor(DType dtype, long[] shape, Random rnd) {
        byte[] bytes = new byte[Math.toIntExact(HostTensor.numel(shape) * dtype.byteSize())];
        rnd.nextBytes(bytes);
        return new HostTensor(dtype, shape, ByteBuffer.wrap(bytes));
    }

    private static Map<String, HostTensor> everyDtype() {
        Random rnd = new Random(7);
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("f32", tensor(DType.F32, new long[]{3, 5}, rnd));
        m.put("f16", tensor(DType.F16, new long[]{7}, rnd));
        m.put("bf16", tensor(DType.BF16, new long[]{2, 2, 3}, rnd));
        m.put("i64", tensor(DType.I64, new long[]{1, 77}, rnd));
        m.put("i32", tensor(DType.I32, new long[]{4}, rnd));
        m.put("u8", tensor(DType.U8, new long[]{3, 4, 4}, rnd));
        m.put("scalar", tensor(DType.F32, new long[]{}, rnd));
        m.put("empty", tensor(DType.F32, new long[]{0, 3}, rnd));
        return m;
    }

    @Test
    void roundTripsEveryDtypeWithMetadata() throws IOException {
        Map<String, HostTensor> in = everyDtype();
        Path f = tmp.resolve("all.safetensors");
        SafeTensors.write(f, in, Map.of("format", "pt", "note", "héllo"));
        SafeTensors.Contents back = SafeTensors.readWithMetadata(f);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(back.tensors().keySet()), "order is kept");
        for (var e : in.entrySet()) {
            HostTensor got = back.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
            assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
            assertArrayEquals(e.getValue().toByteArray(), got.toByteArray(), e.getKey());
        }
        assertEquals(Map.of("format", "pt", "note", "héllo"), back.metadata());
        assertEquals(0, headerLength(f) % 8, "data section is 8-byte aligned");
    }

    private static long headerLength(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "st_header_too_long.safetensors | header length 1099511627776 is impossible for a file of 10 bytes",
            "st_overlap.safetensors         | tensors 'a' and 'b' have overlapping data ranges",
            "st_shape_mismatch.safetensors  | shape [1000, 1000] of F32 needs 4000000 bytes but its data_offsets span 16",
            "st_bad_dtype.safetensors       | unknown dtype 'Q7'",
            "st_past_end.safetensors        | data_offsets [0, 4194304] lie outside the 64 data bytes",
    })
    void refusesHostileFixturesWithSpecificMessages(String name, String expected) {
        Path f = Shared.fixtures("security/" + name);
        TensorFileException e = assertThrows(TensorFileException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
        assertTrue(e.getMessage().contains(name), "message names the file");
    }

    @Test
    void refusesNonIntegralShapesAndOffsets() throws IOException {
        for (String header : List.of(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0.0,4.0]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}",
                "[1,2,3]",
                "{\"a\":")) {
            Path f = tmp.resolve("bad.safetensors");
            Files.write(f, withHeader(header, new byte[4]));
            assertThrows(TensorFileException.class, () -> SafeTensors.read(f), header);
        }
    }

    @Test
    void refusesATensorNamedTwice() throws IOException {
        // Both entries are valid on their own; a lenient JSON parser would silently keep the second.
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        Path f = tmp.resolve("dup.safetensors");
        Files.write(f, withHeader(header, new byte[8]));
        for (var read : List.<org.junit.jupiter.api.function.Executable>of(() -> SafeTensors.read(f), () -> SafeTensors.readMetadata(f))) {
            TensorFileException e = assertThrows(TensorFileException.class, read);
            assertTrue(e.getMessage().contains("malformed header: tensor 'w.weight' is listed twice"), e.getMessage());
            assertTrue(e.getMessage().contains("dup.safetensors"), e.getMessage());
        }
    }

    private static byte[] withHeader(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    /**
     * Random bytes, truncations and byte flips of a valid file may only ever be read or refused
     * with a TensorFileException; any other exception or error (OOM included) fails. Each read
     * must also allocate in proportion to the file, which catches a reader that trusts a length.
     */
    @Test
    void fuzzedFilesAreReadOrRefusedCleanly() throws IOException {
        Path valid = tmp.resolve("valid.safetensors");
        SafeTensors.write(valid, everyDtype(), Map.of("k", "v"));
        byte[] good = Files.readAllBytes(valid);
        Random rnd = new Random(20240601L);
        Path f = tmp.resolve("fuzz.safetensors");
        int refused = 0, read = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b;
            switch (i % 4) {
                case 0 -> b = java.util.Arrays.copyOf(good, rnd.nextInt(good.length + 1));
                case 1 -> {
                    b = good.clone();
                    for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                        // the first 8 bytes and the header are where a reader can be misled
                        int pos = rnd.nextInt(rnd.nextBoolean() ? Math.min(good.length, 400) : good.length);
                        b[pos] = (byte) rnd.nextInt(256);
                    }
                }
                case 2 -> {
                    b = new byte[rnd.nextInt(300)];
                    rnd.nextBytes(b);
                }
                default -> {
                    // a plausible length followed by random bytes, so the JSON parser gets exercised
                    b = new byte[8 + rnd.nextInt(200)];
                    rnd.nextBytes(b);
                    long len = rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextInt(b.length);
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
                }
            }
            Files.write(f, b);
            long before = allocatedBytes();
            try {
                SafeTensors.readWithMetadata(f);
                read++;
            } catch (TensorFileException e) {
                refused++;
            } catch (Throwable t) {
                fail("case " + i + " threw " + t, t);
            }
            long allocated = allocatedBytes() - before;
            // constant parser overhead plus a small multiple of the file: never a trusted length
            assertTrue(allocated < (1 << 20) + 64L * b.length,
                    "case " + i + " allocated " + allocated + " bytes for a " + b.length + "-byte file");
        }
        assertTrue(refused > 1000 && read > 10, "refused " + refused + ", read " + read);
    }

    private static long allocatedBytes() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
