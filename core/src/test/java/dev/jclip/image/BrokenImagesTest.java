package dev.jclip.image;

import dev.jclip.testing.BrokenImages;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Truncated and oversized images are refused with an error that names the file, as PIL refuses
 * them ("image file is truncated", DecompressionBombError), never decoded into a partial or
 * grey-padded picture. The images are made here; none is committed.
 */
class BrokenImagesTest {

    private static void assertRefused(byte[] bytes, String name, String expected) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(bytes, name),
                name + " (" + bytes.length + " bytes) decoded");
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void truncatedPngsAreRefused() throws IOException {
        byte[] png = BrokenImages.encode(BrokenImages.picture(160, 120), "png", false);
        assertEquals(160, ImageDecoder.decode(png, "whole.png").width());
        assertRefused(Arrays.copyOf(png, 200), "first200.png", "truncated");
        for (int cut : new int[]{9, 40, png.length / 2, png.length - 13, png.length - 12, png.length - 1}) {
            assertRefused(Arrays.copyOf(png, cut), "cut" + cut + ".png", "truncated");
        }
    }

    @Test
    void truncatedJpegsAreRefusedNotPaddedWithGrey() throws IOException {
        for (boolean progressive : new boolean[]{false, true}) {
            byte[] jpg = BrokenImages.encode(BrokenImages.picture(160, 120), "jpeg", progressive);
            String kind = progressive ? "progressive" : "baseline";
            assertEquals(120, ImageDecoder.decode(jpg, kind + ".jpg").height());
            // The ImageIO readers return a grey-padded picture for each of these cuts without complaint.
            for (int cut : new int[]{200, jpg.length / 3, jpg.length / 2, jpg.length * 9 / 10, jpg.length - 2, jpg.length - 1}) {
                assertRefused(Arrays.copyOf(jpg, cut), kind + "-cut" + cut + ".jpg", "truncated");
            }
            // bytes after the end-of-image marker (camera trailers) are fine, as in PIL
            byte[] trailer = Arrays.copyOf(jpg, jpg.length + 50);
            assertEquals(160, ImageDecoder.decode(trailer, kind + "-trailer.jpg").width());
        }
    }

    @Test
    void imagesDeclaringTooManyPixelsAreRefusedFromTheirHeader() throws IOException {
        byte[] png = BrokenImages.forgedPng(60000, 60000);
        assertTrue(png.length < 100);
        assertRefused(png, "huge.png", "60000 × 60000 = 3,600,000,000 pixels is over the limit of 178,956,970");
        assertRefused(BrokenImages.jpegDeclaring(65500, 65500), "huge.jpg", "65500 × 65500 = 4,290,250,000 pixels is over the limit");
        // 13,400 × 13,400 = 179,560,000: just over; the check runs before any pixel memory is allocated
        assertRefused(BrokenImages.forgedPng(13400, 13400), "over.png", "is over the limit");
    }
}
