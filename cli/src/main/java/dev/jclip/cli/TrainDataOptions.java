package dev.jclip.cli;

import dev.jclip.data.Captioner;
import dev.jclip.data.DataSources;
import dev.jclip.data.SampleSource;
import dev.jclip.zeroshot.Templates;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.List;

/** {@code clip train}'s training data: where it is, how to read it, and how labels become captions. */
final class TrainDataOptions {
    @Option(names = "--train-data", required = true, description = "Training data: idx folder, class folders, shards (brace patterns), CSV/TSV, COCO json.")
    String trainData;
    @Mixin
    DataSpecOptions spec;
    @Option(names = "--caption-templates", defaultValue = "train-photo", description = "Templates turning labels into captions: bundled set or file (default: ${DEFAULT-VALUE}).")
    String captionTemplates;
    @Option(names = "--train-num-samples", defaultValue = "-1", description = "Samples per epoch of streamed shards, if known.")
    long trainNumSamples;
    @Option(names = "--shuffle-buffer", defaultValue = "2000")
    int shuffleBuffer;
    @Option(names = "--workers", defaultValue = "2", description = "Decoding threads.")
    int workers;

    /** This rank's share of the training samples; labelled data is captioned with the templates. */
    SampleSource source(long seed, int rank, int worldSize) throws IOException {
        SampleSource source = DataSources.source(spec.spec(trainData, "train", null, trainNumSamples), seed, rank,
                worldSize, shuffleBuffer);
        if (!source.classNames().isEmpty()) {
            source = new Captioner(source, templates(), source.classNames(), seed);
        }
        return source;
    }

    /** The caption templates. */
    List<String> templates() throws IOException {
        return Templates.load(captionTemplates).templates();
    }
}
