package dev.jclip.runtime;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Loads libtorch's native libraries so that no copy installed on the system stands in for one of
 * them.
 *
 * <p>JavaCPP extracts and loads the preset's libraries one at a time, and it loads
 * {@code libtorch.so} before it has extracted {@code libtorch_cpu.so}, which {@code libtorch.so}
 * needs. On a first run (an empty JavaCPP cache) the dynamic linker then looks for
 * {@code libtorch_cpu.so} on the system; where Debian's {@code libtorch-dev} is installed (it comes
 * with {@code python3-torch}) it loads that libtorch 1.13, with its own oneDNN, OpenCV and more,
 * and libtorch 2.10 loaded next to it crashes the JVM in {@code pthread_mutex_lock} (seen on a Zen
 * 5 VM: every first {@code ./clip} died, later ones ran, as the cache then held both files).
 * Extracting {@code libtorch_cpu.so} first lets {@code libtorch.so}'s {@code $ORIGIN} run path find
 * it. Every jclip entry point that computes calls {@link #load()} before touching libtorch.
 */
public final class NativeLibraries {
    /** The preset's libraries that another of them needs before JavaCPP would extract them. */
    private static final String[] NEEDED_FIRST = {"libc10.so", "libgomp.so.1", "libtorch_cpu.so"};
    private static volatile boolean loaded;

    private NativeLibraries() {
    }

    /** Extracts libtorch's libraries into JavaCPP's cache as needed and loads them; once per process. */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (NativeLibraries.class) {
            if (loaded) {
                return;
            }
            String dir = "/org/bytedeco/pytorch/" + Loader.getPlatform() + "/";
            for (String lib : NEEDED_FIRST) {
                if (NativeLibraries.class.getResource(dir + lib) == null) {
                    continue; // another platform's jar, or natives from java.library.path
                }
                try {
                    Loader.cacheResource(NativeLibraries.class, dir + lib);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot extract " + lib + " into JavaCPP's cache", e);
                }
            }
            Loader.load(torch.class);
            loaded = true;
        }
    }
}
