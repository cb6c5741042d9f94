package dev.jclip.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Retrieval quality of an index of class folders ({@code .../<class>/<image>}): for each class, a
 * text query ranks every image by exact cosine; an image is relevant when its parent folder is
 * the class. Reports precision@k and average precision (over the full ranking) per class and
 * their means (mAP).
 */
public final class SearchQuality {
    private SearchQuality() {
    }

    public record ClassResult(String className, String query, double precisionAtK, double averagePrecision, int relevant) {
    }

    public record Result(int k, List<ClassResult> classes, double meanPrecisionAtK, double meanAveragePrecision) {
    }

    /** {@code queries} maps each class name to its query text; {@code embed} embeds a text. */
    public static Result run(ImageIndex index, Map<String, String> queries, Function<String, float[]> embed, int k) throws IOException {
        int n = index.size();
        Map<String, Integer> totals = new LinkedHashMap<>();
        index.forEachVector((e, v) -> totals.merge(label(e), 1, Integer::sum));
        List<ClassResult> out = new java.util.ArrayList<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            List<Hit> ranking = index.search(embed.apply(q.getValue()), n, true, -2f, 0);
            int rel = totals.getOrDefault(q.getKey(), 0), found = 0, atK = 0;
            double ap = 0;
            for (int i = 0; i < ranking.size(); i++) {
                if (label(ranking.get(i).entry()).equals(q.getKey())) {
                    found++;
                    ap += found / (double) (i + 1);
                    if (i < k) {
                        atK++;
                    }
                }
            }
            out.add(new ClassResult(q.getKey(), q.getValue(), atK / (double) k, rel == 0 ? 0 : ap / rel, rel));
        }
        double p = out.stream().mapToDouble(ClassResult::precisionAtK).average().orElse(0);
        double m = out.stream().mapToDouble(ClassResult::averagePrecision).average().orElse(0);
        return new Result(k, out, p, m);
    }

    static String label(IndexEntry e) {
        Path parent = Path.of(e.path()).getParent();
        return parent == null ? "" : parent.getFileName().toString();
    }
}
