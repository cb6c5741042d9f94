package dev.jclip.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded, class-stratified subsets of a labelled set: validation splits and k-shot draws. */
public final class Splits {
    private Splits() {
    }

    /**
     * Splits the indices of each class into a training and a validation part, {@code fraction}
     * of each class (rounded, at least one) going to validation while at least one stays in
     * training; a class with a single example stays whole in training.
     *
     * @return {training indices, validation indices}, each ascending
     */
    public static int[][] stratified(int[] labels, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
        }
        List<List<Integer>> byClass = byClass(labels);
        List<Integer> train = new ArrayList<>(), val = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            List<Integer> idx = shuffled(byClass.get(c), dev.jclip.data.Seeds.mix(seed, c, 0x5EA1));
            int n = idx.size();
            int v = n < 2 ? 0 : Math.min(n - 1, Math.max(1, (int) Math.round(fraction * n)));
            val.addAll(idx.subList(0, v));
            train.addAll(idx.subList(v, n));
        }
        return new int[][]{sortedArray(train), sortedArray(val)};
    }

    /**
     * A seeded draw of {@code k} examples of every class among {@code pool} (all of a class that
     * has fewer).
     *
     * @return indices into {@code labels}, ascending
     */
    public static int[] kShot(int[] labels, int[] pool, int k, long seed) {
        int[] poolLabels = new int[pool.length];
        for (int i = 0; i < pool.length; i++) {
            poolLabels[i] = labels[pool[i]];
        }
        List<List<Integer>> byClass = byClass(poolLabels);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            List<Integer> idx = shuffled(byClass.get(c), dev.jclip.data.Seeds.mix(seed, c, k, 0x5407));
            for (int i = 0; i < Math.min(k, idx.size()); i++) {
                out.add(pool[idx.get(i)]);
            }
        }
        return sortedArray(out);
    }

    /** The smallest number of examples any class present in {@code indices} has there. */
    public static int minPerClass(int[] labels, int[] indices) {
        int[] sub = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            sub[i] = labels[indices[i]];
        }
        return byClass(sub).stream().mapToInt(List::size).filter(n -> n > 0).min().orElse(0);
    }

    static List<List<Integer>> byClass(int[] labels) {
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        List<List<Integer>> out = new ArrayList<>();
        for (int c = 0; c <= max; c++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            out.get(labels[i]).add(i);
        }
        return out;
    }

    private static List<Integer> shuffled(List<Integer> in, long seed) {
        List<Integer> a = new ArrayList<>(in);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = a.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Integer t = a.get(i);
            a.set(i, a.get(j));
            a.set(j, t);
        }
        return a;
    }

    /** Rows of {@code x} at {@code idx}. */
    public static float[][] rows(float[][] x, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = x[idx[i]];
        }
        return out;
    }

    /** Entries of {@code y} at {@code idx}. */
    public static int[] entries(int[] y, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = y[idx[i]];
        }
        return out;
    }

    private static int[] sortedArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
