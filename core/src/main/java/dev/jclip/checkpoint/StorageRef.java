package dev.jclip.checkpoint;

import dev.jclip.tensor.DType;

/**
 * A storage named by a pickle's persistent id {@code ('storage', type, key, location, numel)},
 * not yet read: its bytes live in the archive entry {@code <prefix>/data/<key>}.
 *
 * @param key      the archive key of the storage
 * @param dtype    element type given by the storage class (e.g. {@code torch.FloatStorage})
 * @param numel    number of elements the pickle declares
 * @param location device the tensor was saved from (informational; everything loads to host)
 */
public record StorageRef(String key, DType dtype, long numel, String location) {
}
