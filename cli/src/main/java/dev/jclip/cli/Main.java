package dev.jclip.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code clip} command line. */
@Command(name = "clip", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "CLIP for the JVM: tokenize, preprocess, embed, classify, train and evaluate.",
        subcommands = {
                TokenizeCommand.class,
                PreprocessCommand.class,
                InfoCommand.class,
                EmbedCommand.class,
                EmbedDatasetCommand.class,
                ClassifyCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                IndexCommand.class,
                SearchCommand.class,
                ServeCommand.class,
                LoadTestCommand.class,
                DemoCommand.class,
                BenchCommand.class,
                DoctorCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            if (System.getenv("JCLIP_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"jclip " + (v != null ? v : "dev")};
        }
    }
}
