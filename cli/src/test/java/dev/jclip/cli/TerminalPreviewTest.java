package dev.jclip.cli;

import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.ImageDecoder;
import dev.jclip.testing.Shared;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The preview escapes byte for byte. The expected bytes were made independently, with Python's
 * zlib and base64 (zlib level 0, so that the deflate stream does not depend on the zlib build):
 * a 2 × 2 PNG with its kitty and iTerm2 sequences spelled out, and a 40 × 40 PNG whose kitty
 * sequence needs two 4096-byte chunks (m=1, then m=0), checked by its SHA-256.
 */
class TerminalPreviewTest {
    /** Red, green / blue, white, as three planes. */
    static final byte[] TINY = {(byte) 255, 0, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 0, 0, (byte) 255, (byte) 255};
    static final String TINY_PNG_HEX = "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000194944415478"
            + "01010e00f1ff00ff000000ff00000000ffffffff1fee05fbdeddec2b0000000049454e44ae426082";
    static final String TINY_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAGUlEQVR4AQEOAPH/AP8AAAD/AAAAAP////8f7gX73t3sKwAAAABJRU5ErkJggg==";

    @Test
    void pngIsExactlyTheIndependentEncoding() throws Exception {
        byte[] png = PngBytes.rgb(TINY, 2, 2, 0);
        assertEquals(TINY_PNG_HEX, HexFormat.of().formatHex(png));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(PngBytes.rgb(TINY, 2, 2, 9)));
        assertEquals(0xffffff, back.getRGB(1, 1) & 0xffffff, "compressed PNGs decode to the same pixels");
        assertEquals(0x0000ff, back.getRGB(0, 1) & 0xffffff);
    }

    @Test
    void kittyAndIterm2EscapesOfATinyImage() throws Exception {
        byte[] png = PngBytes.rgb(TINY, 2, 2, 0);
        ByteArrayOutputStream k = new ByteArrayOutputStream();
        TerminalPreview.kitty(png, k);
        assertEquals("\u001b_Ga=T,f=100,q=2;" + TINY_B64 + "\u001b\\", k.toString(StandardCharsets.US_ASCII),
                "one chunk: no m key");
        ByteArrayOutputStream i = new ByteArrayOutputStream();
        TerminalPreview.iterm2(png, "dog.png", i);
        assertEquals("\u001b]1337;File=name=ZG9nLnBuZw==;size=82;inline=1:" + TINY_B64 + "\u0007", i.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void kittySplitsThePayloadIn4096ByteChunks() throws Exception {
        byte[] chw = new byte[3 * 40 * 40];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 40; x++) {
                    chw[c * 1600 + y * 40 + x] = (byte) (x * 7 + y * 13 + c * 50);
                }
            }
        }
        byte[] png = PngBytes.rgb(chw, 40, 40, 0);
        assertEquals(4908, png.length);
        ByteArrayOutputStream k = new ByteArrayOutputStream();
        TerminalPreview.kitty(png, k);
        byte[] esc = k.toByteArray();
        assertEquals("94e173951b0108b91bd84f11ad509a8093d88aee23d42a90e907c48359eea642",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(esc)));
        String s = k.toString(StandardCharsets.US_ASCII);
        String[] parts = s.split("\u001b\\\\");
        assertEquals(2, parts.length);
        assertTrue(parts[0].startsWith("\u001b_Ga=T,f=100,q=2,m=1;"), parts[0].substring(0, 30));
        assertEquals(4096, parts[0].length() - "\u001b_Ga=T,f=100,q=2,m=1;".length());
        assertTrue(parts[1].startsWith("\u001b_Gm=0;"));
        assertEquals(6544 - 4096, parts[1].length() - "\u001b_Gm=0;".length());
    }

    @Test
    void protocolFromTheEnvironmentElsePathsAndWhy() throws Exception {
        assertEquals(TerminalPreview.Protocol.KITTY, TerminalPreview.choose(Map.of("TERM", "xterm-kitty"), true).protocol());
        assertEquals(TerminalPreview.Protocol.KITTY, TerminalPreview.choose(Map.of("TERM", "xterm-256color", "KITTY_WINDOW_ID", "1"), true).protocol());
        assertEquals(TerminalPreview.Protocol.ITERM2, TerminalPreview.choose(Map.of("TERM_PROGRAM", "iTerm.app"), true).protocol());
        assertEquals(TerminalPreview.Protocol.ITERM2, TerminalPreview.choose(Map.of("LC_TERMINAL", "iTerm2"), true).protocol());
        assertEquals(TerminalPreview.Protocol.ITERM2, TerminalPreview.choose(Map.of("TERM_PROGRAM", "WezTerm"), true).protocol());
        TerminalPreview.Choice none = TerminalPreview.choose(Map.of("TERM", "xterm-256color"), true);
        assertNull(none.protocol());
        assertTrue(none.why().contains("TERM=xterm-256color") && none.why().contains("kitty, iTerm2, WezTerm"), none.why());
        assertTrue(TerminalPreview.choose(Map.of("TERM", "xterm-kitty"), false).why().contains("not a terminal"));
        assertTrue(TerminalPreview.choose(Map.of("TERM", "xterm-kitty", "TMUX", "/tmp/x"), true).why().contains("tmux"));

        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Path img = Shared.fixtures("preprocess/images/astronaut.png");
        var hit = new dev.jclip.search.Hit(new dev.jclip.search.IndexEntry(3, img.toString(), 1, 1, 512, 512, null), 0.5f);
        new TerminalPreview(64).show(List.of(hit), none, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("0.5000  " + img + "\n", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no images drawn: the terminal (TERM=xterm-256color)"));
    }

    @Test
    void thumbnailsAreThePageThumbnailsPilExactCentreCrop() throws Exception {
        Path img = Shared.fixtures("preprocess/images/astronaut.png");
        byte[] png = new TerminalPreview(64).thumbnail(img);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(64, back.getWidth());
        assertEquals(64, back.getHeight());
        byte[] want = ClipPreprocessor.of(64).toRgbU8(ImageDecoder.decode(img));
        byte[] got = new byte[want.length];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int rgb = back.getRGB(x, y), i = y * 64 + x;
                got[i] = (byte) (rgb >> 16);
                got[4096 + i] = (byte) (rgb >> 8);
                got[8192 + i] = (byte) rgb;
            }
        }
        assertArrayEquals(want, got, "lossless: the preview shows exactly the PIL-exact thumbnail");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var hit = new dev.jclip.search.Hit(new dev.jclip.search.IndexEntry(3, img.toString(), 1, 1, 512, 512, null), 1f);
        new TerminalPreview(64).show(List.of(hit), TerminalPreview.choose(Map.of("TERM", "xterm-kitty"), true),
                new PrintStream(out, true, StandardCharsets.US_ASCII), System.err);
        ByteArrayOutputStream k = new ByteArrayOutputStream();
        TerminalPreview.kitty(png, k);
        assertEquals("1.0000  " + img + "\n" + k.toString(StandardCharsets.US_ASCII) + "\n", out.toString(StandardCharsets.US_ASCII));
    }
}
