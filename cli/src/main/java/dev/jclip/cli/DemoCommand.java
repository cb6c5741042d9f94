package dev.jclip.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The README's main job: trains a small CLIP from scratch on Fashion-MNIST (60,000 images, captions
 * made from the class names with the bundled "train-photo" templates) and evaluates it zero-shot on
 * the 10,000 test images with a different template set ("clothing"), so the score measures
 * transfer to unseen wording rather than memorised captions.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a tiny CLIP on Fashion-MNIST (2 to 4 minutes on 2 cores) and report zero-shot accuracy.")
final class DemoCommand implements Callable<Integer> {
    static final Path DEFAULT_DATA = Path.of("/usr/share/datasets/fashion-mnist");

    @Option(names = "--data", description = "Fashion-MNIST idx folder (default: ${DEFAULT-VALUE}; installed from Debian's "
            + "dataset-fashion-mnist when missing and running as root).")
    Path data = DEFAULT_DATA;
    @Option(names = "--steps", defaultValue = "1000", description = "Optimizer steps of 256 pairs (default: ${DEFAULT-VALUE}).")
    long steps;
    @Option(names = {"-o", "--output"}, defaultValue = "runs/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path output;
    @Option(names = "--resume", description = "Continue the previous demo run from its last checkpoint.")
    boolean resume;
    @picocli.CommandLine.Mixin
    PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
        ensureData();
        List<String> args = new ArrayList<>(List.of(
                "--model", "ViT-Tiny/7-28px",
                "--train-data", data.toString(), "--class-names", "fashion-mnist", "--caption-templates", "train-photo",
                "--batch-size", "256", "--steps", Long.toString(steps), "--warmup", "100",
                "--lr", "1e-3", "--wd", "0.1", "--seed", "0", "--save-every", "250", "--log-every", "25",
                "--zeroshot-data", data.toString(), "--zeroshot-split", "test", "--zeroshot-templates", "clothing",
                "--precision", precision.or(dev.jclip.runtime.Precision.AUTO).label(),
                "-o", output.toString()));
        if (resume) {
            args.add("--resume");
            args.add("latest");
        }
        System.out.println("clip demo: training ViT-Tiny/7-28px on Fashion-MNIST for " + steps
                + " steps of 256 image-caption pairs, then zero-shot evaluation on its 10,000 test images");
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs(args.toArray(new String[0]));
        int rc = train.call();
        if (rc == 0 && train.lastEval != null) {
            System.out.printf("clip demo: zero-shot top-1 %.2f%% on Fashion-MNIST test (10 classes, chance 10%%)%n",
                    100 * ((Number) train.lastEval.get("zeroshot_top1")).doubleValue());
        }
        return rc;
    }

    private void ensureData() throws IOException, InterruptedException {
        if (Files.isRegularFile(data.resolve("train-images-idx3-ubyte.gz"))) {
            return;
        }
        if (!data.equals(DEFAULT_DATA)) {
            throw new IllegalArgumentException("no Fashion-MNIST idx files (train-images-idx3-ubyte.gz ...) in " + data);
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("Fashion-MNIST is missing: install it with "
                    + "'sudo apt-get install dataset-fashion-mnist', or pass --data FOLDER with its idx files");
        }
        System.out.println("clip demo: installing Fashion-MNIST (Debian package dataset-fashion-mnist)...");
        if (run("apt-get", "install", "-y", "-q", "dataset-fashion-mnist") != 0) {
            run("apt-get", "update", "-q");
            if (run("apt-get", "install", "-y", "-q", "dataset-fashion-mnist") != 0) {
                throw new IllegalStateException("apt-get could not install dataset-fashion-mnist");
            }
        }
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        return pb.start().waitFor();
    }
}
