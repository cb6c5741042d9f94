package dev.jclip.cli;

import dev.jclip.Clip;
import dev.jclip.search.BadFile;
import dev.jclip.search.CaptionSource;
import dev.jclip.search.IndexReport;
import dev.jclip.search.Indexer;
import dev.jclip.search.TextEncoder;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code clip index}'s options for captions and text collections, and their part of the report. */
final class TextSources {
    @Option(names = "--captions", paramLabel = "SOURCE",
            description = "Captions of the images: 'sidecar' (<image-name>.txt beside each image; lines like xx.utf8=... "
                    + "are translations and skipped), a CSV of path,caption rows, or a COCO captions .json. Each caption "
                    + "is stored and embedded as a text entry.")
    String captions;

    @Option(names = "--texts", paramLabel = "FILE",
            description = "A text collection indexed as entries of its own: one text per line, or a CSV column "
                    + "(--text-column). Repeatable.")
    List<Path> texts = new ArrayList<>();

    @Option(names = "--text-column", defaultValue = "text", paramLabel = "NAME",
            description = "The column of a CSV given to --texts (default: ${DEFAULT-VALUE}).")
    String textColumn;

    boolean hasTexts() {
        return !texts.isEmpty();
    }

    /** The caption source, read now (a file is read at once, so an unreadable one fails before anything is written), or null. */
    CaptionSource captionSource() throws IOException {
        return captions == null ? null : CaptionSource.open(captions);
    }

    void configure(Indexer indexer, CaptionSource source, Clip clip) {
        if (source != null) {
            indexer.captions(source, TextEncoder.of(clip));
        }
        if (!texts.isEmpty()) {
            indexer.texts(texts, textColumn, TextEncoder.of(clip));
        }
    }

    static void report(Map<String, Object> out, IndexReport r, int textsInIndex) {
        out.put("captions_embedded", r.captions());
        out.put("texts_embedded", r.texts());
        out.put("truncated_texts", r.truncated());
        out.put("caption_errors", r.captionErrors());
        out.put("texts_in_index", textsInIndex);
    }

    static void print(IndexReport r, int textsInIndex, int contextLength) {
        if (r.captions() + r.texts() > 0 || textsInIndex > 0) {
            System.out.printf("embedded %d captions and %d texts; the index holds %d texts%n", r.captions(), r.texts(), textsInIndex);
        }
        if (r.truncated() > 0) {
            System.out.println(r.truncated() + " captions or texts were longer than the model's " + contextLength
                    + "-token context and were embedded truncated");
        }
        if (!r.captionErrors().isEmpty()) {
            System.out.println("could not read " + r.captionErrors().size() + " caption files (their images keep the captions they had):");
            for (BadFile b : r.captionErrors()) {
                System.out.println("  " + b.reason());
            }
        }
    }
}
