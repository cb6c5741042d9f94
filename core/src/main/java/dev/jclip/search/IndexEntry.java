package dev.jclip.search;

import java.util.List;

/**
 * One indexed entry. An image: its stable numeric id (used by thumbnails and "more like this"),
 * absolute path, size and modification time when it was embedded, its pixel size and its
 * captions. A file that could not be decoded is kept as an entry without a vector and with the
 * reason, so an unchanged bad file is not retried on every run. A text (a caption of an image,
 * or a line of a text collection): its key ({@code source#n}) as path, the text as its one
 * caption, the file it came from as source, and the id of the image it describes (or -1).
 */
public record IndexEntry(long id, String path, long size, long mtimeMillis, int width, int height, String badReason,
                         Modality modality, List<String> captions, String source, long imageId) {
    public IndexEntry {
        captions = captions == null ? List.of() : List.copyOf(captions);
    }

    /** An image entry without captions. */
    public IndexEntry(long id, String path, long size, long mtimeMillis, int width, int height, String badReason) {
        this(id, path, size, mtimeMillis, width, height, badReason, Modality.IMAGE, List.of(), null, -1);
    }

    public boolean isBad() {
        return badReason != null;
    }

    /** True when the file on disk still has the size and modification time that were indexed. */
    public boolean unchanged(long size, long mtimeMillis) {
        return this.size == size && this.mtimeMillis == mtimeMillis;
    }

    /** The first caption (a text entry's text), or null. */
    public String caption() {
        return captions.isEmpty() ? null : captions.get(0);
    }
}
