package dev.jclip.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** TODO: not implemented yet. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a model.")
final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("clip info: not implemented yet");
        return 2;
    }
}
