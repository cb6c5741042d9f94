package dev.jclip.checkpoint;

import dev.jclip.tensor.TensorFileException;

/**
 * A pickle named a global (a Python class or function) outside the short list a checkpoint
 * needs. Such a pickle is refused before anything it names could be used, so a hostile file
 * (one calling {@code os.system} or {@code builtins.eval}) has no effect.
 */
public final class ForbiddenGlobalException extends TensorFileException {
    private final String global;

    ForbiddenGlobalException(String source, String global) {
        super(source + ": refusing pickle global '" + printable(global) + "': a checkpoint may only name "
                + "tensor-rebuilding globals (collections.OrderedDict, torch._utils._rebuild_*, "
                + "torch.*Storage), and reading one never runs code");
        this.global = global;
    }

    /** The name as it can go into a message: hostile bytes become '?', and it stays short. */
    private static String printable(String s) {
        String p = s.codePoints().map(c -> c < 0x20 || c == 0x7f || !Character.isDefined(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }

    /** The refused global as {@code module.name}, e.g. {@code posix.system}. */
    public String global() {
        return global;
    }
}
