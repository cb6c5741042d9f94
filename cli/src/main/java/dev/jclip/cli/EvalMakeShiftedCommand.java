package dev.jclip.cli;

import dev.jclip.data.SkipLog;
import dev.jclip.eval.ImageShift;
import dev.jclip.eval.LabelledSet;
import dev.jclip.eval.ShiftedSetWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code clip eval make-shifted}: writes a synthetically shifted copy of a labelled set as class folders of PNGs. */
@Command(name = "make-shifted", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a shifted copy of a labelled set (class folders of PNG images at the model resolution), "
                + "usable as a --shifted set of 'clip eval robustness'.")
final class EvalMakeShiftedCommand implements Callable<Integer> {
    @Mixin
    EvalDataOptions dataOptions;

    @Option(names = "--data", required = true, description = "Labelled images to shift.")
    String data;
    @Option(names = "--split", defaultValue = "test", description = "idx split (default: ${DEFAULT-VALUE}).")
    String split;
    @Option(names = "--shift", required = true, description = "One shift: blur[:sigma], noise[:sigma], gray, contrast[:factor], "
            + "pixelate[:n], or several joined with +.")
    String shift;
    @Option(names = "--size", defaultValue = "224", description = "Image side in pixels, the model resolution (default: ${DEFAULT-VALUE}).")
    int size;
    @Option(names = "--seed", defaultValue = "0", description = "Noise seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--limit", defaultValue = "0", description = "At most N images (evenly spaced; 0: all).")
    int limit;
    @Option(names = {"-o", "--output"}, required = true, description = "Output folder.")
    Path output;

    @Override
    public Integer call() throws Exception {
        ImageShift s = ImageShift.parse(shift);
        LabelledSet set = dataOptions.labelled(data, split, limit);
        SkipLog skipped = new SkipLog();
        int n = ShiftedSetWriter.write(set, s, size, seed, output, skipped);
        System.out.printf("wrote %d images shifted by %s to %s%n", n, s.name(), output);
        System.out.println(skipped.summary(skipped.write(output.resolve(SkipLog.FILE_NAME))));
        return 0;
    }
}
