package dev.jclip.cli;

import dev.jclip.image.ClipPreprocessor;
import dev.jclip.image.ImageDecoder;
import dev.jclip.search.PixelLimit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * {@code clip search --preview}: draws each hit inline in the terminal, with the kitty graphics
 * protocol or iTerm2's inline images protocol, chosen from the environment the terminal sets.
 * Thumbnails are the page's: jclip's decoder, the PIL-exact resize of the shorter side and a
 * centre crop ({@link ClipPreprocessor#toRgbU8}), as PNG.
 */
final class TerminalPreview {
    /** Escape sequences a terminal understands for images. */
    enum Protocol { KITTY, ITERM2 }

    /** The protocol to use, or none with the reason. */
    record Choice(Protocol protocol, String why) {
    }

    /** Kitty takes base64 payloads in chunks of at most 4096 bytes. */
    static final int KITTY_CHUNK = 4096;
    private static final byte[] ESC_G = "\u001b_G".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ST = "\u001b\\".getBytes(StandardCharsets.US_ASCII);

    private final ClipPreprocessor thumbs;

    /** Previews of {@code size} × {@code size} pixels. */
    TerminalPreview(int size) {
        this.thumbs = ClipPreprocessor.of(size);
    }

    /**
     * Picks the protocol from the terminal's environment: kitty sets TERM=xterm-kitty and
     * KITTY_WINDOW_ID; iTerm2 sets TERM_PROGRAM=iTerm.app and LC_TERMINAL=iTerm2 (the latter
     * survives ssh); WezTerm (TERM_PROGRAM=WezTerm) shows iTerm2's images. tmux and screen swallow
     * the sequences unless configured to pass them through, so they get paths.
     */
    static Choice choose(Map<String, String> env, boolean terminal) {
        if (!terminal) {
            return new Choice(null, "standard output is not a terminal");
        }
        if (env.containsKey("TMUX") || env.containsKey("STY")) {
            return new Choice(null, "inside " + (env.containsKey("TMUX") ? "tmux" : "screen") + ", which does not pass images through");
        }
        String term = env.getOrDefault("TERM", ""), program = env.getOrDefault("TERM_PROGRAM", "");
        if (term.equals("xterm-kitty") || env.containsKey("KITTY_WINDOW_ID")) {
            return new Choice(Protocol.KITTY, "kitty");
        }
        if (program.equals("iTerm.app") || env.getOrDefault("LC_TERMINAL", "").equals("iTerm2")) {
            return new Choice(Protocol.ITERM2, "iTerm2");
        }
        if (program.equals("WezTerm")) {
            return new Choice(Protocol.ITERM2, "WezTerm (iTerm2's protocol)");
        }
        return new Choice(null, "the terminal (TERM=" + (term.isEmpty() ? "unset" : term)
                + (program.isEmpty() ? "" : ", TERM_PROGRAM=" + program) + ") is not one known to show images "
                + "(kitty, iTerm2, WezTerm)");
    }

    /** The PNG thumbnail of an image file (refused from its header if it is a decompression bomb). */
    byte[] thumbnail(Path file) throws IOException {
        PixelLimit.check(file);
        byte[] chw = thumbs.toRgbU8(ImageDecoder.decode(file));
        return PngBytes.rgb(chw, thumbs.size(), thumbs.size(), 6);
    }

    /**
     * Kitty: {@code ESC _G a=T,f=100,q=2[,m=1];<base64> ESC \}, then {@code ESC _G m=1;...} for
     * every further 4096-byte chunk, the last with {@code m=0}. a=T transmits and shows, f=100 says
     * PNG, q=2 keeps the terminal from answering into the shell's input.
     */
    static void kitty(byte[] png, OutputStream out) throws IOException {
        byte[] b64 = Base64.getEncoder().encode(png);
        int off = 0;
        do {
            int len = Math.min(KITTY_CHUNK, b64.length - off);
            boolean more = off + len < b64.length;
            String keys = off == 0 ? "a=T,f=100,q=2" + (more ? ",m=1" : "") : more ? "m=1" : "m=0";
            out.write(ESC_G);
            out.write(keys.getBytes(StandardCharsets.US_ASCII));
            out.write(';');
            out.write(b64, off, len);
            out.write(ST);
            off += len;
        } while (off < b64.length);
    }

    /**
     * iTerm2: {@code ESC ]1337;File=name=<base64 name>;size=<bytes>;inline=1:<base64> BEL}.
     */
    static void iterm2(byte[] png, String name, OutputStream out) throws IOException {
        String head = "\u001b]1337;File=name=" + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8))
                + ";size=" + png.length + ";inline=1:";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(Base64.getEncoder().encode(png));
        out.write(7);
    }

    /**
     * Prints each hit's score and path, then its thumbnail drawn with {@code choice}'s protocol;
     * without one, says why on {@code err} once and prints the paths alone.
     */
    void show(java.util.List<dev.jclip.search.Hit> hits, Choice choice, java.io.PrintStream out, java.io.PrintStream err)
            throws IOException {
        if (choice.protocol() == null) {
            err.println("--preview: no images drawn: " + choice.why() + "; printing paths");
        }
        for (dev.jclip.search.Hit h : hits) {
            out.printf(java.util.Locale.ROOT, "%.4f  %s%n", h.score(), h.entry().path());
            if (choice.protocol() == null) {
                continue;
            }
            Path file = Path.of(h.entry().path());
            try {
                draw(choice.protocol(), thumbnail(file), file.getFileName().toString(), out);
                out.println();
            } catch (IOException | RuntimeException e) {
                out.println("  (no preview: " + e.getMessage() + ")");
            }
        }
        out.flush();
    }

    /** The escape sequence that draws {@code png} with {@code p}. */
    static void draw(Protocol p, byte[] png, String name, OutputStream out) throws IOException {
        if (p == Protocol.KITTY) {
            kitty(png, out);
        } else {
            iterm2(png, name, out);
        }
    }
}
