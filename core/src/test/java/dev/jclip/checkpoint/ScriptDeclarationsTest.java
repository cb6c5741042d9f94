package dev.jclip.checkpoint;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ScriptDeclarationsTest {

    @Test
    void readsParameterAndBufferListsPerQualifiedClass() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("__torch__/clip/model.py", String.join("\n",
                "class CLIP(Module):",
                "  __parameters__ = [\"positional_embedding\", \"text_projection\", ]",
                "  __buffers__ = []",
                "  positional_embedding : Tensor",
                "  def forward(self: __torch__.clip.model.CLIP) -> Tensor:",
                "    x = [\"not\", \"a\", \"declaration\"]",
                "    return x",
                "class LayerNorm(Module):",
                "  __parameters__ = [\"weight\",",
                "    \"bias\", ]",
                "  __buffers__ = ['running_mean', \"num_batches_tracked\", ]",
                "def helper() -> None:",
                "  __parameters__ = [\"ignored\"]",
                ""));
        files.put("__torch__/clip/model/___torch_mangle_7.py", String.join("\n",
                "class Transformer(Module):",
                "  __parameters__ = []",
                "  __buffers__ = [\"attn_mask_is_not_here\", ]"));
        Map<String, ScriptDeclarations.Declared> d = ScriptDeclarations.parse(files);
        assertEquals(List.of("positional_embedding", "text_projection"), d.get("__torch__.clip.model.CLIP").parameters());
        assertEquals(List.of(), d.get("__torch__.clip.model.CLIP").buffers());
        assertEquals(List.of("weight", "bias"), d.get("__torch__.clip.model.LayerNorm").parameters());
        assertEquals(List.of("running_mean", "num_batches_tracked"), d.get("__torch__.clip.model.LayerNorm").buffers());
        assertEquals(List.of("attn_mask_is_not_here"),
                d.get("__torch__.clip.model.___torch_mangle_7.Transformer").buffers());
        assertFalse(d.containsKey("__torch__.clip.model.helper"));
        assertEquals(3, d.size());
    }
}
