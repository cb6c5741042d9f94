package dev.jclip.checkpoint;

import dev.jclip.tensor.TensorFileException;

/**
 * An allowed global that a pickle may call (REDUCE). Implementations build plain data from
 * their arguments and nothing else.
 */
@FunctionalInterface
interface PickleCallable {
    Object call(Object[] args) throws TensorFileException;
}
