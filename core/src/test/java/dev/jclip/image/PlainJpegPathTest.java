package dev.jclip.image;

import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JDK-reader path for plain JPEGs gives exactly the pixels of the plugin path it bypasses, on
 * the fixture JPEGs and on thousands of real photos; files it must not take go to the plugin.
 */
class PlainJpegPathTest {
    private static Path fixture(String name) {
        return Shared.fixtures("preprocess").resolve("images").resolve(name);
    }

    @Test
    void onlyPlainFramesTakeTheFastPath() throws IOException {
        assertTrue(JdkJpegReader.available(), "this JDK has no built-in JPEG reader");
        assertNull(JpegMarkers.plainFrame(Files.readAllBytes(fixture("cmyk_300x300.jpg"))), "CMYK goes to the plugin");
        JpegMarkers.Frame gray = JpegMarkers.plainFrame(Files.readAllBytes(fixture("gray_320x240.jpg")));
        assertEquals(new JpegMarkers.Frame(320, 240, 1), gray);
        JpegMarkers.Frame progressive = JpegMarkers.plainFrame(Files.readAllBytes(fixture("progressive_350x260.jpg")));
        assertEquals(new JpegMarkers.Frame(350, 260, 3), progressive);
        assertNull(JpegMarkers.plainFrame(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}), "no frame");
    }

    @Test
    void fixtureJpegsDecodeIdenticallyBothWays() throws IOException {
        try (Stream<Path> s = Files.list(Shared.fixtures("preprocess").resolve("images"))) {
            List<Path> jpegs = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
            assertTrue(jpegs.size() >= 5, "fixture JPEGs: " + jpegs);
            for (Path p : jpegs) {
                assertSame(Files.readAllBytes(p), p.toString());
            }
        }
    }

    @Test
    void realPhotosDecodeIdenticallyBothWays() throws IOException {
        Path caltech = Shared.path("data/caltech101-96");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(caltech)) {
            s.filter(p -> p.toString().endsWith(".jpg")).sorted().forEach(files::add);
        }
        assertTrue(files.size() > 7000, "Caltech-101 photos: " + files.size());
        int plain = 0;
        for (int i = 0; i < files.size(); i += 3) { // every third photo: ~2,400, a few seconds
            byte[] b = Files.readAllBytes(files.get(i));
            byte[] stripped = JpegMarkers.withoutIccProfile(b);
            if (JpegMarkers.plainFrame(stripped) != null) {
                assertNotNull(JdkJpegReader.read(stripped), files.get(i) + " through the JDK's reader");
                plain++;
            }
            assertSame(b, files.get(i).toString());
        }
        assertTrue(plain > 2000, "plain JPEGs among the Caltech photos: " + plain);
    }

    @Test
    void aDamagedPlainJpegFailsOrDecodesAsThePluginDoes() throws IOException {
        byte[] good = Files.readAllBytes(fixture("quality75_410x300.jpg"));
        assertNotNull(JpegMarkers.plainFrame(good));
        // a bad Huffman table class in the first DHT segment: the file is whole but undecodable
        byte[] bad = good.clone();
        int dht = indexOfMarker(bad, 0xC4);
        bad[dht + 4] = (byte) 0x7F;
        ImageDecodeException plugin = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(bad, "bad.jpg", false));
        ImageDecodeException fast = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(bad, "bad.jpg"));
        assertEquals(plugin.getMessage(), fast.getMessage(), "the user sees the plugin's error");
        // the thread's reader was replaced after the failure: the next file decodes right
        assertSame(good, "good-after-bad.jpg");
        // scrambled entropy-coded data: both readers warn and fill in; whatever they return is the same
        byte[] noisy = good.clone();
        int sos = indexOfMarker(noisy, 0xDA);
        for (int i = sos + 40; i < noisy.length - 40; i += 97) {
            noisy[i] = (byte) (noisy[i] == (byte) 0xFF ? 0 : noisy[i] ^ 0x55);
        }
        DecodedImage a = null, b = null;
        String ea = null, eb = null;
        try {
            a = ImageDecoder.decode(noisy, "noisy.jpg", false);
        } catch (ImageDecodeException e) {
            ea = e.getMessage();
        }
        try {
            b = ImageDecoder.decode(noisy, "noisy.jpg");
        } catch (ImageDecodeException e) {
            eb = e.getMessage();
        }
        assertEquals(ea, eb);
        if (a != null) {
            assertArrayEquals(a.samples(), b.samples());
        }
    }

    private static int indexOfMarker(byte[] b, int marker) {
        for (int i = 2; i + 1 < b.length; i++) {
            if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker " + Integer.toHexString(marker));
    }

    private static void assertSame(byte[] bytes, String name) throws ImageDecodeException {
        DecodedImage plugin = ImageDecoder.decode(bytes, name, false);
        DecodedImage fast = ImageDecoder.decode(bytes, name);
        assertEquals(plugin.mode(), fast.mode(), name);
        assertEquals(plugin.width() + "x" + plugin.height(), fast.width() + "x" + fast.height(), name);
        if (!Arrays.equals(plugin.samples(), fast.samples())) {
            int d = 0;
            for (int i = 0; i < plugin.samples().length; i++) {
                d = Math.max(d, Math.abs(plugin.samples()[i] - fast.samples()[i]));
            }
            throw new AssertionError(name + ": samples differ, max |Δ| " + d);
        }
    }
}
