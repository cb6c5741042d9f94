package dev.jclip.experiments.zst;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One class split of the zero-shot transfer experiment: Caltech-101 folders dealt into 20
 * test-unseen, 10 validation-unseen and the rest seen, by whole groups of classes that share a
 * name word (face / easy face / cougar face / cougar body…), so that no seen caption names a
 * held-out class. The groups are shuffled with {@link PyRandom} from the seed, as
 * {@code scripts/zst-split.py} did, so a seed gives the split it gave.
 *
 * @param seed    the split's seed
 * @param seen    seen folders, in dealing order
 * @param val     validation-unseen folders
 * @param test    test-unseen folders
 * @param groups  every group of folders, in the shuffled order they were dealt in
 * @param renamed each seen folder to the seen folder whose name its photos take in the shuffled-names
 *                control: a derangement, drawn after the dealing from the same generator
 */
public record ClassSplit(long seed, List<String> seen, List<String> val, List<String> test,
                         List<List<String>> groups, Map<String, String> renamed) {
    /** Test-unseen classes per split. */
    public static final int N_TEST = 20;
    /** Validation-unseen classes per split. */
    public static final int N_VAL = 10;

    private static final Map<String, String> RENAME = Map.of("Faces", "face", "Faces_easy", "easy face",
            "Leopards", "leopard", "Motorbikes", "motorbike", "water_lilly", "water lily");

    /** The readable class name of a Caltech folder ("cougar_body" is "cougar body"), used in captions and prompts. */
    public static String name(String folder) {
        String renamed = RENAME.get(folder);
        return renamed != null ? renamed : folder.replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Deals the sorted class folders into a split.
     *
     * @throws IllegalStateException if the groups do not fill the held-out sides exactly, or a seen
     *                               class name contains a held-out name
     */
    public static ClassSplit draw(List<String> sortedFolders, long seed) {
        List<List<String>> groups = groups(sortedFolders);
        PyRandom rng = new PyRandom(seed);
        rng.shuffle(groups);
        List<String> test = new ArrayList<>();
        List<String> val = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (List<String> g : groups) {
            if (test.size() + g.size() <= N_TEST) {
                test.addAll(g);
            } else if (val.size() + g.size() <= N_VAL) {
                val.addAll(g);
            } else {
                seen.addAll(g);
            }
        }
        if (test.size() != N_TEST || val.size() != N_VAL) {
            throw new IllegalStateException("split " + seed + ": " + test.size() + " test-unseen and " + val.size()
                    + " validation-unseen classes, not " + N_TEST + " and " + N_VAL);
        }
        List<String> held = new ArrayList<>();
        test.forEach(f -> held.add(name(f)));
        val.forEach(f -> held.add(name(f)));
        for (String f : seen) {
            for (String h : held) {
                if (Pattern.compile("\\b" + Pattern.quote(h) + "\\b", Pattern.UNICODE_CHARACTER_CLASS).matcher(name(f)).find()) {
                    throw new IllegalStateException("seen class '" + name(f) + "' names held-out class '" + h + "'");
                }
            }
        }
        // reshuffled until no class keeps its own name (the first shuffle always happens)
        List<String> perm = new ArrayList<>(seen);
        while (hasFixedPoint(perm, seen)) {
            rng.shuffle(perm);
        }
        Map<String, String> renamed = new LinkedHashMap<>();
        for (int i = 0; i < seen.size(); i++) {
            renamed.put(seen.get(i), perm.get(i));
        }
        return new ClassSplit(seed, List.copyOf(seen), List.copyOf(val), List.copyOf(test), List.copyOf(groups), renamed);
    }

    private static boolean hasFixedPoint(List<String> perm, List<String> seen) {
        for (int i = 0; i < seen.size(); i++) {
            if (perm.get(i).equals(seen.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Union-find over shared name words, then the groups sorted as Python sorts lists of lists
     * (element by element), each group in folder order: the order the shuffle starts from.
     */
    static List<List<String>> groups(List<String> folders) {
        Map<String, String> parent = new HashMap<>();
        folders.forEach(f -> parent.put(f, f));
        Map<String, List<String>> byWord = new LinkedHashMap<>();
        for (String f : folders) {
            for (String w : name(f).split(" ")) {
                byWord.computeIfAbsent(w, k -> new ArrayList<>()).add(f);
            }
        }
        for (List<String> fs : byWord.values()) {
            for (String g : fs.subList(1, fs.size())) {
                parent.put(find(parent, g), find(parent, fs.get(0)));
            }
        }
        Map<String, List<String>> byRoot = new LinkedHashMap<>();
        for (String f : folders) {
            byRoot.computeIfAbsent(find(parent, f), k -> new ArrayList<>()).add(f);
        }
        List<List<String>> groups = new ArrayList<>(byRoot.values());
        groups.sort(ClassSplit::compareLists);
        return groups;
    }

    private static String find(Map<String, String> parent, String x) {
        while (!parent.get(x).equals(x)) {
            x = parent.get(x);
        }
        return x;
    }

    private static int compareLists(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** The classes as split.json records them: readable names, and the groups of more than one class. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", seed);
        m.put("seen", names(seen));
        m.put("val_unseen", names(val));
        m.put("test_unseen", names(test));
        m.put("groups", groups.stream().filter(g -> g.size() > 1).map(ClassSplit::names).toList());
        return m;
    }

    static List<String> names(List<String> folders) {
        return folders.stream().map(ClassSplit::name).toList();
    }
}
