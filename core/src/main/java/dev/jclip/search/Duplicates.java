package dev.jclip.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups of near-identical images: every pair with cosine ≥ threshold joins one group
 * (transitively, union-find). Each image's neighbours come from the HNSW graph (its
 * {@code neighbours} nearest), or from a full scan when {@code exact}.
 */
public final class Duplicates {
    private Duplicates() {
    }

    /** A group of near-duplicates, members sorted by path; {@code minScore} is the weakest link that joined it. */
    public record Group(List<IndexEntry> members, float minScore) {
    }

    public static List<Group> find(ImageIndex index, float threshold, int neighbours, boolean exact) throws IOException {
        List<IndexEntry> entries = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        index.forEachVector((e, v) -> {
            entries.add(e);
            vectors.add(v);
        });
        Map<Long, Integer> pos = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            pos.put(entries.get(i).id(), i);
        }
        int[] parent = new int[entries.size()];
        float[] weakest = new float[entries.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
            weakest[i] = 1f;
        }
        int k = exact ? entries.size() : neighbours + 1;
        for (int i = 0; i < entries.size(); i++) {
            for (Hit h : index.search(vectors.get(i), k, exact, threshold, Math.max(k, ImageIndex.DEFAULT_CANDIDATES / 2))) {
                Integer j = pos.get(h.entry().id());
                if (j == null || j == i) {
                    continue;
                }
                int a = root(parent, i), b = root(parent, j);
                if (a != b) {
                    parent[b] = a;
                    weakest[a] = Math.min(Math.min(weakest[a], weakest[b]), h.score());
                }
            }
        }
        Map<Integer, List<IndexEntry>> groups = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            groups.computeIfAbsent(root(parent, i), x -> new ArrayList<>()).add(entries.get(i));
        }
        List<Group> out = new ArrayList<>();
        for (Map.Entry<Integer, List<IndexEntry>> g : groups.entrySet()) {
            if (g.getValue().size() > 1) {
                List<IndexEntry> m = new ArrayList<>(g.getValue());
                m.sort(Comparator.comparing(IndexEntry::path));
                out.add(new Group(m, weakest[g.getKey()]));
            }
        }
        out.sort(Comparator.comparingInt((Group g) -> -g.members().size()).thenComparing(g -> g.members().get(0).path()));
        return out;
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
