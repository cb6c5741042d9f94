package dev.jclip.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** TODO: not implemented yet. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Tokenize texts with the CLIP BPE.")
final class TokenizeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("clip tokenize: not implemented yet");
        return 2;
    }
}
