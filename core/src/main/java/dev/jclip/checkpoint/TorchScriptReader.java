package dev.jclip.checkpoint;

import dev.jclip.tensor.HostTensor;
import dev.jclip.tensor.TensorFileException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the state dict of a TorchScript archive without libtorch and without running anything:
 * the module tree is unpickled into inert {@link ScriptObject}s, and the tensors that the
 * classes' code declares as parameters or buffers are collected under dotted attribute paths,
 * in {@code Module.state_dict()} order (own parameters, own buffers, then submodules).
 *
 * <p>Tensor attributes that are neither (the text transformer's {@code attn_mask}) are not
 * state and are left out. A class without code in the archive falls back to all of its tensor
 * attributes; their names are listed in the extra {@value #UNDECLARED}.
 */
final class TorchScriptReader {
    /** Extras key listing tensors taken from classes whose declarations were not found. */
    static final String UNDECLARED = "torchscript_undeclared_tensors";
    private static final int MAX_DEPTH = 200;
    private static final int MAX_MODULES = 1_000_000;

    private final TorchArchive archive;
    private final Map<String, ScriptDeclarations.Declared> declarations;
    private final Map<String, HostTensor> tensors = new LinkedHashMap<>();
    private final List<String> undeclared = new ArrayList<>();
    private final Set<ScriptObject> ancestors = Collections.newSetFromMap(new IdentityHashMap<>());
    private int modules;

    private TorchScriptReader(TorchArchive archive, Map<String, ScriptDeclarations.Declared> declarations) {
        this.archive = archive;
        this.declarations = declarations;
    }

    static StateDict read(TorchArchive archive) throws IOException {
        Object root = archive.readData();
        if (!(root instanceof ScriptObject module)) {
            throw new TensorFileException(archive.file() + ": TorchScript data.pkl holds a "
                    + PickleGlobals.typeName(root) + ", not a module");
        }
        TorchScriptReader r = new TorchScriptReader(archive, ScriptDeclarations.parse(archive.codeFiles()));
        r.walk(module, "", 0);
        Map<String, Object> extras = new LinkedHashMap<>();
        if (!r.undeclared.isEmpty()) {
            extras.put(UNDECLARED, List.copyOf(r.undeclared));
        }
        return new StateDict(r.tensors, StateDict.TORCHSCRIPT, extras);
    }

    private void walk(ScriptObject module, String prefix, int depth) throws IOException {
        if (depth > MAX_DEPTH || ++modules > MAX_MODULES) {
            throw new TensorFileException(archive.file() + ": module tree too deep or too large at '" + prefix + "'");
        }
        if (!ancestors.add(module)) {
            throw new TensorFileException(archive.file() + ": module '" + prefix + "' contains itself");
        }
        Map<String, Object> attrs = module.attributes();
        addOwnTensors(module, prefix);
        for (Map.Entry<String, Object> e : attrs.entrySet()) {
            if (e.getValue() instanceof ScriptObject child) {
                walk(child, prefix + e.getKey() + ".", depth + 1);
            }
        }
        ancestors.remove(module);
    }

    private void addOwnTensors(ScriptObject module, String prefix) throws IOException {
        Map<String, Object> attrs = module.attributes();
        ScriptDeclarations.Declared d = declarations.get(module.className());
        if (d != null) {
            for (String name : d.parameters()) {
                addTensor(attrs.get(name), prefix + name);
            }
            for (String name : d.buffers()) {
                addTensor(attrs.get(name), prefix + name);
            }
            return;
        }
        for (Map.Entry<String, Object> e : attrs.entrySet()) {
            if (e.getValue() instanceof TensorRef) {
                addTensor(e.getValue(), prefix + e.getKey());
                undeclared.add(prefix + e.getKey());
            }
        }
    }

    /** Optional parameters (a bias of None) are declared but absent from the state dict. */
    private void addTensor(Object value, String name) throws IOException {
        if (value instanceof TensorRef ref) {
            tensors.put(name, archive.materialize(ref, name));
        }
    }
}
