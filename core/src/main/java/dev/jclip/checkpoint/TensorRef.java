package dev.jclip.checkpoint;

import java.util.Arrays;

/**
 * A tensor as a pickle describes it: a strided view of a storage. Nothing is read or allocated
 * until {@link TorchArchive#materialize} turns it into a contiguous host tensor.
 *
 * @param storage the storage viewed
 * @param offset  index of the first element in the storage
 * @param size    the view's shape
 * @param stride  elements to step in the storage per step along each dimension
 */
public record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    public TensorRef {
        size = size.clone();
        stride = stride.clone();
    }

    @Override
    public long[] size() {
        return size.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    @Override
    public String toString() {
        return "TensorRef[" + storage.dtype() + " " + Arrays.toString(size) + " of storage " + storage.key() + "]";
    }
}
