package dev.jclip.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** TODO: not implemented yet. */
@Command(name = "preprocess", mixinStandardHelpOptions = true, description = "Preprocess images exactly as the reference.")
final class PreprocessCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("clip preprocess: not implemented yet");
        return 2;
    }
}
