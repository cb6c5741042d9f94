package dev.jclip.data;

import java.io.IOException;
import java.util.List;

/** A dataset with random access to its samples (idx files, folders, manifests, COCO captions). */
public interface IndexedDataset {
    int size();

    /** The i-th sample; reading its bytes may fail (a missing file), decoding happens later. */
    Sample get(int i) throws IOException;

    /** Class names by index, or empty. */
    List<String> classNames();
}
