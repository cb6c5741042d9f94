package dev.jclip.cli;

import dev.jclip.data.DataSources;
import dev.jclip.eval.CaptionedImages;
import dev.jclip.eval.LabelledSet;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** How to read evaluation data: type, class names and manifest columns (shared by every set of a command). */
final class EvalDataOptions {
    @Option(names = "--dataset-type", defaultValue = "auto",
            description = "auto, folder (class folders), idx, webdataset (.cls labels), csv, tsv, coco (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--class-names", description = "Class names in label order: a bundled list (cifar10, mnist, "
            + "fashion-mnist) or a file with one per line. Default: folder names; required for shards and manifests "
            + "when zero-shot is measured.")
    String classNames;

    @Option(names = "--csv-img-key", defaultValue = "filepath", description = "Image column of CSV/TSV manifests.")
    String csvImageKey;

    @Option(names = "--csv-caption-key", defaultValue = "title", description = "Caption column of CSV/TSV manifests (retrieval).")
    String csvCaptionKey;

    @Option(names = "--csv-label-key", defaultValue = "label", description = "Class-index column of CSV/TSV manifests (classification).")
    String csvLabelKey;

    @Option(names = "--images", description = "Image folder of a COCO captions file (default: beside the annotations "
            + "folder, named like the split, e.g. val2017).")
    Path cocoImages;

    /** A labelled set; {@code split} chooses the idx files (train/test). */
    LabelledSet labelled(String path, String split, int limit) throws IOException {
        return LabelledSet.open(spec(path).withSplit(split), csvLabelKey, limit);
    }

    /** Images whose labels do not matter (a calibration set): its own type and classes, not this set's --class-names. */
    LabelledSet imagesOnly(String path, String split) throws IOException {
        return LabelledSet.open(new DataSources.Spec(path, "auto", split, null, csvImageKey, csvCaptionKey, cocoImages, -1),
                csvLabelKey, 0);
    }

    /** A captioned set (COCO json or CSV/TSV manifest). */
    CaptionedImages captioned(String path, int limit) throws IOException {
        return CaptionedImages.open(spec(path), limit);
    }

    private DataSources.Spec spec(String path) {
        return new DataSources.Spec(path, type, "test", classNames, csvImageKey, csvCaptionKey, cocoImages, -1);
    }
}
