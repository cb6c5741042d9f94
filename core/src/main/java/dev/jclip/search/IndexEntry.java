package dev.jclip.search;

/**
 * One indexed file: its stable numeric id (used by thumbnails and "more like this"), absolute
 * path, size and modification time when it was embedded, and its pixel size. A file that could
 * not be decoded is kept as an entry without a vector and with the reason, so an unchanged bad
 * file is not retried on every run.
 */
public record IndexEntry(long id, String path, long size, long mtimeMillis, int width, int height, String badReason) {
    public boolean isBad() {
        return badReason != null;
    }

    /** True when the file on disk still has the size and modification time that were indexed. */
    public boolean unchanged(long size, long mtimeMillis) {
        return this.size == size && this.mtimeMillis == mtimeMillis;
    }
}
