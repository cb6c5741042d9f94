package dev.jclip.experiments.zst;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of the zero-shot transfer experiment's Java steps, which scripts/zero-shot-transfer.sh
 * and scripts/zst-center.sh call between their {@code clip train} and {@code clip eval} runs:
 * <pre>
 *   split DATA OUT SEED          class and photo splits: OUT/split-SEED/ (link trees, split.json)
 *   extra OUT [CIFAR_PER_CLASS]  captioned extra images; OUT/split-*&#47;train-mixed{,-shuffled}.tsv
 *   gloss OUT                    WordNet definitions; OUT/split-*&#47;*-gloss trees and files
 *   best RUN                     the step chosen on validation-unseen (RUN/metrics.jsonl)
 *   row SEED TOWER RUN SECONDS   the run's results.tsv row
 *   table OUT                    OUT/table.md from OUT/results.tsv (also printed)
 *   report OUT                   every table of docs/zero-shot-transfer.md from the run folders
 *   calibration MODEL EVAL SEEN  the calibrations tried on validation-unseen ({@link ZsCalibration})
 * </pre>
 * SHARED (environment) is the shared data folder for {@code extra}, default ../shared.
 */
public final class Zst {
    private Zst() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("no step given");
        }
        String[] a = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "split" -> {
                need(a, 3, "split DATA OUT SEED");
                System.out.println(SplitTrees.summary(SplitTrees.write(Path.of(a[0]), Path.of(a[1]), Long.parseLong(a[2]))));
            }
            case "extra" -> {
                need(a, 1, "extra OUT [CIFAR_PER_CLASS]");
                String shared = System.getenv().getOrDefault("SHARED", "../shared");
                ExtraCaptions.run(Path.of(a[0]), Path.of(shared), a.length > 1 ? Integer.parseInt(a[1]) : 200)
                        .forEach(System.out::println);
            }
            case "gloss" -> {
                need(a, 1, "gloss OUT");
                Glosses.run(Path.of(a[0])).forEach(System.out::println);
            }
            case "best" -> {
                need(a, 1, "best RUN");
                RunSummary.Best b = RunSummary.best(Path.of(a[0]).resolve("metrics.jsonl"));
                System.out.println(b.step());
            }
            case "row" -> {
                need(a, 4, "row SEED TOWER RUN SECONDS");
                System.out.println(RunSummary.row(a[0], a[1], Path.of(a[2]), Long.parseLong(a[3])));
            }
            case "table" -> {
                need(a, 1, "table OUT");
                String md = ResultsTable.render(ResultsTable.read(Path.of(a[0]).resolve("results.tsv")));
                Files.writeString(Path.of(a[0]).resolve("table.md"), md, StandardCharsets.UTF_8);
                System.out.print(md);
            }
            case "report" -> {
                need(a, 1, "report OUT");
                System.out.print(RunReport.render(RunReport.runs(Path.of(a[0]))));
            }
            case "calibration" -> {
                need(a, 3, "calibration MODEL EVAL_DIR SEEN_TRAIN_DIR");
                ZsCalibration.main(a);
            }
            default -> usage("unknown step: " + args[0]);
        }
    }

    private static void need(String[] a, int n, String usage) {
        if (a.length < n) {
            usage("usage: " + usage);
        }
    }

    private static void usage(String why) {
        System.err.println(why);
        System.err.println("steps: split DATA OUT SEED | extra OUT [N] | gloss OUT | best RUN | row SEED TOWER RUN SECONDS"
                + " | table OUT | report OUT | calibration MODEL EVAL_DIR SEEN_TRAIN_DIR   (docs/zero-shot-transfer.md)");
        System.exit(2);
    }
}
