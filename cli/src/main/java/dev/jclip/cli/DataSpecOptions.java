package dev.jclip.cli;

import dev.jclip.data.DataSources;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How to read a dataset given by path: its type, class names and manifest columns (train, embed-dataset). */
final class DataSpecOptions {
    @Option(names = "--dataset-type", defaultValue = "auto",
            description = "auto, idx, folder, webdataset, csv, tsv or coco (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--class-names", description = "Class names in label order for labelled data: bundled "
            + "(fashion-mnist, mnist, cifar10) or a file with one per line.")
    String classNames;

    @Option(names = "--csv-img-key", defaultValue = "filepath",
            description = "Image column of CSV/TSV manifests (default: ${DEFAULT-VALUE}).")
    String csvImageKey;

    @Option(names = "--csv-caption-key", defaultValue = "title",
            description = "Caption column of CSV/TSV manifests (default: ${DEFAULT-VALUE}).")
    String csvCaptionKey;

    /** The data at {@code path} read as these options say. */
    DataSources.Spec spec(String path, String split, Path cocoImages, long knownSize) {
        return new DataSources.Spec(path, type, split, classNames, csvImageKey, csvCaptionKey, cocoImages, knownSize);
    }
}
