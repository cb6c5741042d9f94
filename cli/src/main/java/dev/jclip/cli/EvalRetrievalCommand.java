package dev.jclip.cli;

import dev.jclip.eval.CaptionedImages;
import dev.jclip.eval.FeatureStore;
import dev.jclip.eval.RetrievalEvaluation;
import dev.jclip.eval.RetrievalMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code clip eval retrieval}: image→text and text→image recall@1/5/10, mean and median rank. */
@Command(name = "retrieval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Image-text retrieval on captioned images (COCO captions json, or a CSV/TSV manifest whose rows "
                + "with the same image are its captions).")
final class EvalRetrievalCommand implements Callable<Integer> {
    @Mixin
    EvalOptions eval;
    @Mixin
    EvalDataOptions dataOptions;

    @Option(names = "--data", required = true, description = "COCO captions json (e.g. captions_val2017.json) or CSV/TSV.")
    String data;
    @Option(names = "--limit", defaultValue = "0", description = "Use the first N images and their captions (0: all).")
    int limit;

    @Override
    public Integer call() throws Exception {
        CaptionedImages set = dataOptions.captioned(data, limit);
        FeatureStore store = eval.open();
        RetrievalEvaluation.Result r = RetrievalEvaluation.run(store, set);
        String skipped = eval.writeSkipped(store, eval.output("retrieval"));
        Path html = RetrievalEvaluation.write(r, eval.about(), eval.output("retrieval"));
        System.out.printf("retrieval on %s: %d images, %d captions%n", r.data(), r.images(), r.captions());
        print("image→text", r.metrics().imageToText());
        print("text→image", r.metrics().textToImage());
        System.out.println(EvalOptions.cacheLine(store));
        System.out.println("report: " + html);
        System.out.println(skipped);
        return 0;
    }

    private static void print(String name, RetrievalMetrics.Direction d) {
        System.out.printf("%s  R@1 %.2f%%  R@5 %.2f%%  R@10 %.2f%%  mean rank %.1f  median rank %.1f%n", name,
                100 * d.recallAt(1), 100 * d.recallAt(5), 100 * d.recallAt(10), d.meanRank(), d.medianRank());
    }
}
