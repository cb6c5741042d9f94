package dev.jclip.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.runtime.GemmCeilings;
import dev.jclip.runtime.Doctor;
import dev.jclip.runtime.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code clip doctor}: the machine as jclip sees it, and what it decided to run there. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Print the CPU (model, flags, cache topology or its absence), what oneDNN and OpenBLAS detect,",
                "the GEMM ceilings, each native kernel probe's verdict, and what auto picks per tower and why."})
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--no-gemm", description = "Skip measuring the GEMM ceilings (about 10 s).")
    boolean noGemm;

    @Option(names = "--threads", defaultValue = "2", description = "Threads for the GEMM ceilings (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
        dev.jclip.runtime.ComputeThreads.useDefault(); // as every command does: the probes and the batch split see it
        ObjectNode report = Doctor.report(Machine.get());
        if (!noGemm) {
            report.set("gemm", GemmCeilings.run(threads, 5));
        }
        System.out.print(json ? report.toPrettyString() + "\n" : Doctor.text(report));
        return 0;
    }
}
