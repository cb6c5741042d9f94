package dev.jclip.checkpoint;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.TensorFileException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the state dict of a {@code torch.save} archive: either the saved object is the state
 * dict itself, or it is a training checkpoint such as open_clip's
 * {@code {"epoch": .., "name": .., "state_dict": {..}, "optimizer": {..}}}.
 *
 * <p>Of a training checkpoint only the model's tensors are read. Its other top-level entries
 * become extras when they are plain values (epoch, name); entries holding tensors of their own
 * (optimizer and scaler state) are left unread, so their storages cost nothing.
 */
final class TorchSaveReader {
    private TorchSaveReader() {
    }

    static StateDict read(TorchArchive archive) throws IOException {
        String source = archive.file().toString();
        Object root = archive.readData();
        if (!(root instanceof Map<?, ?> top)) {
            throw new TensorFileException(source + ": the saved object is a " + PickleGlobals.typeName(root)
                    + ", not a state dict");
        }
        Map<?, ?> state = top;
        Map<String, Object> extras = new LinkedHashMap<>();
        if (top.get("state_dict") instanceof Map<?, ?> inner) {
            state = inner;
            for (Map.Entry<?, ?> e : top.entrySet()) {
                if (!"state_dict".equals(e.getKey()) && e.getKey() instanceof String k) {
                    Object plain = PlainValues.copy(e.getValue(), source);
                    if (plain != PlainValues.NOT_PLAIN) {
                        extras.put(k, plain);
                    }
                }
            }
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : state.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new TensorFileException(source + ": state dict key is a "
                        + PickleGlobals.typeName(e.getKey()) + ", not a string");
            }
            if (e.getValue() instanceof TensorRef ref) {
                tensors.put(key, archive.materialize(ref, key));
                continue;
            }
            Object plain = PlainValues.copy(e.getValue(), source);
            if (plain == PlainValues.NOT_PLAIN) {
                throw new TensorFileException(source + ": state dict entry '" + key + "' nests tensors in a "
                        + PickleGlobals.typeName(e.getValue()) + "; expected a flat name → tensor dict");
            }
            extras.put(key, plain);
        }
        return new StateDict(tensors, StateDict.TORCH_SAVE, extras);
    }
}
