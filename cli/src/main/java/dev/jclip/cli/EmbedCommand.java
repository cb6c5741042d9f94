package dev.jclip.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** TODO: not implemented yet. */
@Command(name = "embed", mixinStandardHelpOptions = true, description = "Embed images or texts.")
final class EmbedCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("clip embed: not implemented yet");
        return 2;
    }
}
