package dev.jclip.checkpoint;

import dev.jclip.tensor.HostTensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's tensors under OpenAI CLIP key names, as read from a checkpoint.
 *
 * @param tensors tensors in a stable order (the file's, or OpenAI's order for converted files),
 *                each in the dtype it was stored in (F16 and BF16 are left for consumers to upcast)
 * @param format  where they came from: {@link #TORCHSCRIPT}, {@link #TORCH_SAVE},
 *                {@link #SAFETENSORS} or {@link #HUGGING_FACE}
 * @param extras  non-tensor entries beside the weights, e.g. {@code epoch} of a training
 *                checkpoint, or {@code input_resolution} of a released TorchScript model; values
 *                are strings, longs, doubles, booleans, nulls, and lists and maps of those
 */
public record StateDict(Map<String, HostTensor> tensors, String format, Map<String, Object> extras) {
    /** A TorchScript archive ({@code torch.jit.save}), such as the released OpenAI models. */
    public static final String TORCHSCRIPT = "torchscript";
    /** A {@code torch.save} zip archive of a state dict or a training checkpoint holding one. */
    public static final String TORCH_SAVE = "torch_save";
    /** A safetensors file already in OpenAI naming (open_clip's files are). */
    public static final String SAFETENSORS = "safetensors";
    /** A Hugging Face {@code CLIPModel}, converted to OpenAI naming. */
    public static final String HUGGING_FACE = "hf";

    public StateDict {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }
}
