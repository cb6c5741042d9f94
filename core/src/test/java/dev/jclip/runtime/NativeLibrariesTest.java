package dev.jclip.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibrariesTest {

    /** Run in the child JVM: loads libtorch the way jclip's entry points do. */
    public static final class Child {
        public static void main(String[] args) {
            NativeLibraries.load();
            System.out.println("libtorch threads " + org.bytedeco.pytorch.global.torch.get_num_threads());
        }
    }

    /**
     * With an empty JavaCPP cache (a first run), the dynamic linker must find libtorch_cpu.so next
     * to libtorch.so and never search the system for it: where Debian's libtorch-dev is installed
     * that search loads libtorch 1.13 and the JVM crashes. LD_DEBUG shows every file the linker
     * tried, on any machine, whether or not a system copy exists.
     */
    @Test
    void firstRunFindsLibtorchCpuInTheCacheNotOnTheSystem(@TempDir Path cache) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.cachedir=" + cache, "-XX:ErrorFile=/dev/null",
                "-cp", System.getProperty("java.class.path"), Child.class.getName());
        pb.environment().put("LD_DEBUG", "libs");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        String log = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "child JVM failed:\n" + tail(log));
        assertTrue(log.contains("libtorch threads "), () -> tail(log));
        List<String> tried = log.lines().filter(l -> l.contains("trying file=") && l.endsWith("/libtorch_cpu.so")).toList();
        assertTrue(tried.stream().allMatch(l -> l.contains(cache.toString())),
                () -> "the linker looked for libtorch_cpu.so outside JavaCPP's cache:\n" + String.join("\n", tried));
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }
}
