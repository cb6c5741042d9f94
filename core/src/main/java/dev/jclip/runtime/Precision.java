package dev.jclip.runtime;

import java.util.Locale;

/**
 * Numeric precision of a model's matrix products, for inference and training alike: the one
 * seam a model or a trainer consults to decide how it computes. {@link #FP32} is the reference
 * path that the parity tests check; {@link #BF16} runs the matrix products in bfloat16 on the
 * CPU's matrix engine (AMX, AVX512-BF16) with normalization, softmax and the final features in
 * float32 (a trainer runs it as autocast over float32 master weights); {@link #INT8} runs the
 * transformer's linear layers on dynamically quantized int8 kernels (inference only);
 * {@link #AUTO} is whatever this machine measured fastest among the paths that passed their
 * probes (see {@link Machine#pick}), never slower than FP32.
 */
public enum Precision {
    FP32, BF16, INT8, AUTO;

    /** Parses {@code fp32|bf16|int8|auto} (and float32, bfloat16, amp_bf16, i8). */
    public static Precision parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).trim()) {
            case "fp32", "float32", "f32" -> FP32;
            case "bf16", "bfloat16", "amp_bf16", "amp-bf16" -> BF16;
            case "int8", "i8" -> INT8;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("unknown precision '" + s + "' (fp32, bf16, int8, auto)");
        };
    }

    /** The concrete precision for {@code tower} on this machine: AUTO resolved, others as they are. */
    public Precision resolve(TowerKind tower) {
        return this == AUTO ? Machine.get().pick(tower) : this;
    }

    /**
     * The precision a trainer runs: FP32 or BF16 (autocast). AUTO is BF16 where this machine runs
     * bf16 matrix products natively and they passed their probe; INT8 is refused, since int8
     * kernels have no gradient.
     */
    public Precision forTraining() {
        return switch (this) {
            case FP32, BF16 -> this;
            case AUTO -> Machine.get().trainingPick();
            case INT8 -> throw new IllegalArgumentException(
                    "int8 is an inference precision (its kernels have no gradient): train with fp32, bf16 or auto");
        };
    }

    /** Lower-case name as accepted by {@link #parse} and recorded in indexes and outputs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
