package dev.jclip.experiments.zst;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a {@link ClassSplit} as symbolic-link trees of the Caltech photos under OUT/split-SEED/:
 * <pre>
 *   train-seen/NAME/      80% of each seen class's photos (training)
 *   test-seen/NAME/       the other 20% (seen-class accuracy)
 *   train-shuffled/NAME/  train-seen with the class names permuted among the seen classes (control)
 *   val-unseen/NAME/      every photo of the 10 validation-unseen classes (tuning only)
 *   unseen-pool/NAME/     half of each test-unseen class's photos (k-shot linear-probe draws)
 *   unseen-test/NAME/     the other half (zero-shot and linear-probe test set)
 * </pre>
 * and split.json. Each class's photos are shuffled by {@code PyRandom("SEED/FOLDER")}, as in
 * {@code scripts/zst-split.py}, so the trees are the ones the published runs trained on.
 */
public final class SplitTrees {
    private SplitTrees() {
    }

    /** Makes OUT/split-SEED from the class folders of {@code data}; returns the split. */
    public static ClassSplit write(Path data, Path out, long seed) throws IOException {
        // links hold absolute paths that must not depend on the working directory (Python's abspath: no link resolved)
        Path root = data.toAbsolutePath().normalize();
        List<String> folders = list(root, true);
        ClassSplit split = ClassSplit.draw(folders, seed);
        Path dir = out.resolve("split-" + seed);
        for (String f : folders) {
            List<String> files = new ArrayList<>(list(root.resolve(f), false));
            new PyRandom(seed + "/" + f).shuffle(files);
            if (split.seen().contains(f)) {
                // Python's round(): half to even, on the double 0.8 * n
                int k = (int) Math.rint(0.8 * files.size());
                link(dir.resolve("train-seen"), ClassSplit.name(f), files.subList(0, k), root.resolve(f));
                link(dir.resolve("test-seen"), ClassSplit.name(f), files.subList(k, files.size()), root.resolve(f));
                link(dir.resolve("train-shuffled"), ClassSplit.name(split.renamed().get(f)), files.subList(0, k), root.resolve(f));
            } else if (split.val().contains(f)) {
                link(dir.resolve("val-unseen"), ClassSplit.name(f), files, root.resolve(f));
            } else {
                int k = files.size() / 2;
                link(dir.resolve("unseen-pool"), ClassSplit.name(f), files.subList(0, k), root.resolve(f));
                link(dir.resolve("unseen-test"), ClassSplit.name(f), files.subList(k, files.size()), root.resolve(f));
            }
        }
        Files.writeString(dir.resolve("split.json"), PyJson.dump(split.json()), StandardCharsets.UTF_8);
        return split;
    }

    private static void link(Path tree, String label, List<String> files, Path folder) throws IOException {
        Path d = tree.resolve(label);
        Files.createDirectories(d);
        for (String x : files) {
            Files.createSymbolicLink(d.resolve(x), folder.resolve(x));
        }
    }

    /** Sorted names of the sub-folders ({@code dirs}) or of every entry (the photos), as Python's sorted(os.listdir). */
    static List<String> list(Path dir, boolean dirs) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !dirs || Files.isDirectory(p)).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The line {@code scripts/zst-split.py} printed. */
    static String summary(ClassSplit s) {
        return "split %d: %d seen, %d val-unseen, %d test-unseen: %s".formatted(s.seed(), s.seen().size(), s.val().size(),
                s.test().size(), String.join(", ", ClassSplit.names(s.test())));
    }
}
