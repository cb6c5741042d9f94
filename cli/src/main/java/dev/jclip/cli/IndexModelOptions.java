package dev.jclip.cli;

import dev.jclip.runtime.Precision;
import dev.jclip.search.IndexMismatchException;
import dev.jclip.search.IndexSettings;
import dev.jclip.search.ModelFingerprint;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The model options of the commands that work on an index (index, search, serve): an index
 * records the model and precision it was built with, so both default to the index's, and another
 * model is refused (its vectors would not be comparable).
 */
final class IndexModelOptions {
    @Option(names = {"-m", "--model"}, description = "Released model name or checkpoint (default: the one the index was "
            + "built with; another model is refused).")
    String model;

    @Mixin
    PrecisionOption precision;

    /**
     * The model to load: the one given, else the index's ({@code recorded} may be null: no index yet);
     * null when neither names one. Refuses a model other than the index's.
     */
    String resolve(IndexSettings recorded, Path dir) throws java.io.IOException, IndexMismatchException {
        String m = model != null ? model : recorded != null ? recorded.model() : null;
        if (recorded != null && m != null && !ModelFingerprint.of(m).equals(recorded.fingerprint())) {
            throw new IndexMismatchException("the index at " + dir + " was built with model " + recorded.model()
                    + ", not " + m + "; use another --index or delete this one");
        }
        return m;
    }

    /** The precision given, else the index's, else fp32. */
    Precision precision(IndexSettings recorded) {
        return precision.or(recorded != null ? Precision.parse(recorded.precision()) : Precision.FP32);
    }
}
