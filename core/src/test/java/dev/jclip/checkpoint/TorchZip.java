package dev.jclip.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small PyTorch-style zip archives for tests: entries stored uncompressed, as torch writes them. */
final class TorchZip {
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final String prefix;

    TorchZip(String prefix) {
        this.prefix = prefix;
    }

    TorchZip entry(String relative, byte[] data) {
        entries.put(prefix + "/" + relative, data);
        return this;
    }

    TorchZip pickle(byte[] data) {
        return entry("data.pkl", data);
    }

    TorchZip floats(String key, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return entry("data/" + key, b.array());
    }

    Path write(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return file;
    }
}
