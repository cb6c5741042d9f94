package dev.jclip.cli;

import dev.jclip.runtime.Precision;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The shared {@code --precision} option. It has no default of its own because an absent value
 * means different things: the index's precision for index, search and serve, auto for the demo,
 * fp32 elsewhere; each command passes its meaning to {@link #or}.
 */
final class PrecisionOption {
    @Option(names = "--precision", paramLabel = "PRECISION", converter = Converter.class,
            description = "fp32 (the reference), bf16 (CPU matrix engine), int8 (inference only: quantized linear layers) "
                    + "or auto (per tower, the fastest precision whose kernels passed their probes on this machine; "
                    + "`clip doctor` shows the pick and why). Default: the index's for index, search and serve; "
                    + "auto for demo; fp32 elsewhere.")
    Precision value;

    /** The precision given, or {@code absent} when the option was not given. */
    Precision or(Precision absent) {
        return value != null ? value : absent;
    }

    /** Parses fp32, bf16, int8 and auto through {@link Precision#parse}, whose message lists them. */
    static class Converter implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return Precision.parse(value);
        }
    }
}
