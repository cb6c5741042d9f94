package dev.jclip.checkpoint;

import dev.jclip.tensor.DType;

import java.util.Map;

/**
 * The storage classes a pickle may name (GLOBAL {@code torch.FloatStorage} and friends). They
 * are markers only: the pickle passes them inside persistent ids to give the element type.
 */
record TorchStorageType(String name, DType dtype) {
    private static final Map<String, DType> BY_NAME = Map.of(
            "FloatStorage", DType.F32,
            "HalfStorage", DType.F16,
            "BFloat16Storage", DType.BF16,
            "DoubleStorage", DType.F64,
            "LongStorage", DType.I64,
            "IntStorage", DType.I32,
            "ShortStorage", DType.I16,
            "CharStorage", DType.I8,
            "ByteStorage", DType.U8,
            "BoolStorage", DType.BOOL);

    /** The storage type for a name in module {@code torch}, or null when there is none. */
    static TorchStorageType forName(String name) {
        DType d = BY_NAME.get(name);
        return d == null ? null : new TorchStorageType(name, d);
    }
}
