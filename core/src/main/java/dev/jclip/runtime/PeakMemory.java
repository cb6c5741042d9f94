package dev.jclip.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's peak resident set size, as benchmarks report it beside their timings. */
public final class PeakMemory {
    private PeakMemory() {
    }

    /** Peak resident set size (VmHWM) in MB to one decimal, as the Python baseline's ru_maxrss; -1 where unknown. */
    public static double mb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Math.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 102.4) / 10.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: report nothing rather than fail the benchmark
        }
        return -1;
    }
}
