package dev.jclip.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** TODO: not implemented yet. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the default demonstration.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("clip demo: not implemented yet");
        return 2;
    }
}
