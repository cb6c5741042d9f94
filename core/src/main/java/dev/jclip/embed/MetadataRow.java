package dev.jclip.embed;

/**
 * One embedded sample's metadata: row i of a partition's Parquet file describes row i of its
 * embedding files.
 *
 * @param key     the sample key (file path, tar key, COCO {@code file#caption})
 * @param source  the image file, or the shard file
 * @param member  the tar member inside the shard, or null
 * @param caption the caption, or null
 * @param label   the class index, or -1
 * @param width   decoded image width in pixels
 * @param height  decoded image height in pixels
 * @param bytes   size of the encoded image, or -1
 */
public record MetadataRow(String key, String source, String member, String caption, int label, int width, int height,
                          long bytes) {
}
