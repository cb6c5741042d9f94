package dev.jclip.train;

import dev.jclip.tensor.Torch;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The token rows of a batch with duplicates removed: each distinct caption is encoded once and
 * its features are gathered back to every row that uses it (gradients of duplicates add up).
 *
 * @param unique  distinct token rows [U, L]
 * @param inverse for every batch row, the index of its distinct row [B]
 */
public record TextBatch(Tensor unique, Tensor inverse, int rows, int distinct) {

    public static TextBatch of(List<long[]> tokenRows) {
        Map<String, Integer> index = new LinkedHashMap<>();
        long[] inv = new long[tokenRows.size()];
        List<long[]> uniq = new java.util.ArrayList<>();
        for (int i = 0; i < tokenRows.size(); i++) {
            long[] row = tokenRows.get(i);
            String key = Arrays.toString(row);
            Integer j = index.get(key);
            if (j == null) {
                j = uniq.size();
                index.put(key, j);
                uniq.add(row);
            }
            inv[i] = j;
        }
        int l = tokenRows.get(0).length;
        long[] flat = new long[uniq.size() * l];
        for (int u = 0; u < uniq.size(); u++) {
            System.arraycopy(uniq.get(u), 0, flat, u * l, l);
        }
        return new TextBatch(Torch.longs(flat, uniq.size(), l), Torch.longs(inv, inv.length),
                tokenRows.size(), uniq.size());
    }

    /** The rows [from, to) as their own deduplicated batch. */
    public static TextBatch slice(List<long[]> tokenRows, int from, int to) {
        return of(tokenRows.subList(from, to));
    }
}
