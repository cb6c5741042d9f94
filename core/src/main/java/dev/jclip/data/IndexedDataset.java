package dev.jclip.data;

import java.io.IOException;
import java.util.List;

/** A dataset with random access to its samples (idx files, folders, manifests, COCO captions). */
public interface IndexedDataset {
    int size();

    /** The i-th sample; reading its bytes may fail (a missing file), decoding happens later. */
    Sample get(int i) throws IOException;

    /** What to call sample {@code i} in a list of skipped inputs (its file where it has one). */
    default String describe(int i) {
        return "sample " + i;
    }

    /** Class names by index, or empty. */
    List<String> classNames();
}
