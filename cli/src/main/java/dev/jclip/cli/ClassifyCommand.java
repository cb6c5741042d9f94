package dev.jclip.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** TODO: not implemented yet. */
@Command(name = "classify", mixinStandardHelpOptions = true, description = "Zero-shot classify images.")
final class ClassifyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("clip classify: not implemented yet");
        return 2;
    }
}
