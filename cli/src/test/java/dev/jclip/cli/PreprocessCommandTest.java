package dev.jclip.cli;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.SafeTensors;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreprocessCommandTest {
    @Test
    void writesTheReferenceTensorsAndPictures(@TempDir Path dir) throws Exception {
        Path images = Shared.fixtures("preprocess/images");
        Path out = dir.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("preprocess", "--size", "64", "--out", out.toString(), "--png",
                dir.resolve("png").toString(), images.resolve("chelsea.png").toString(), images.resolve("horse.png").toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, HostTensor> mine = SafeTensors.read(out);
        Map<String, HostTensor> ref = SafeTensors.read(Shared.fixtures("preprocess/expected.safetensors"));
        for (String f : new String[]{"chelsea.png", "horse.png"}) {
            assertArrayEquals(new long[]{3, 64, 64}, mine.get(f).shape());
            assertArrayEquals(ref.get(f + "@64").toByteArray(), mine.get(f).toByteArray(), f);
        }
        assertTrue(Files.size(dir.resolve("png/chelsea.png")) > 0);
    }

    @Test
    void undecodableFileIsNamed(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.jpg");
        Files.write(bad, new byte[]{(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        CliRunner.Result r = CliRunner.run("preprocess", "--out", dir.resolve("o.safetensors").toString(), bad.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("broken.jpg"), r.err());
    }

    @Test
    void truncatedImagesAreRefusedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path images = Shared.fixtures("preprocess/images");
        for (String name : new String[]{"chelsea.png", "rocket.jpg"}) {
            byte[] whole = Files.readAllBytes(images.resolve(name));
            for (int cut : new int[]{200, whole.length * 9 / 10}) {
                Path cutFile = dir.resolve(cut + "-" + name);
                Files.write(cutFile, java.util.Arrays.copyOf(whole, cut));
                Path out = dir.resolve(cut + "-" + name + ".safetensors");
                CliRunner.Result r = CliRunner.run("preprocess", "--size", "224", "--out", out.toString(), cutFile.toString());
                assertEquals(1, r.exitCode(), r.out());
                assertTrue(r.err().contains(cutFile.getFileName().toString()) && r.err().contains("truncated"), r.err());
                assertTrue(Files.notExists(out), "a tensor was written for " + cutFile);
            }
        }
    }
}
