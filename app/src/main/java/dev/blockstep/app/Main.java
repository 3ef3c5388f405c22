package dev.blockstep.app;

import dev.blockstep.app.cli.BenchCommand;
import dev.blockstep.app.cli.CheckCommand;
import dev.blockstep.app.cli.CommitCommand;
import dev.blockstep.app.cli.ConvertCommand;
import dev.blockstep.app.cli.CreateCommand;
import dev.blockstep.app.cli.ImportQemuIoCommand;
import dev.blockstep.app.cli.ImportQemuLogCommand;
import dev.blockstep.app.cli.IoCommand;
import dev.blockstep.app.cli.IoFastPath;
import dev.blockstep.app.cli.InfoCommand;
import dev.blockstep.app.cli.MapCommand;
import dev.blockstep.app.cli.ExploreCommand;
import dev.blockstep.app.cli.ExportDiagramCommand;
import dev.blockstep.app.cli.MinimizeCommand;
import dev.blockstep.app.cli.ResizeCommand;
import dev.blockstep.app.cli.RunCommand;
import dev.blockstep.app.cli.VerifyCommand;
import dev.blockstep.app.cli.CliErrors;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Command;

/**
 * Entry point of the runnable jar. It must not extend or touch JavaFX types: the CLI path never starts
 * the toolkit, and a Main that extends Application fails to start from a fat jar.
 */
@Command(name = "blockstep",
        mixinStandardHelpOptions = true,
        version = "blockstep 0.1.0",
        description = "Step through the qcow2 discard/write-zeroes race on a real qcow2 engine.",
        subcommands = {
                CommandLine.HelpCommand.class,
                GuiCommand.class,
                CheckCommand.class,
                CreateCommand.class,
                ConvertCommand.class,
                IoCommand.class,
                MapCommand.class,
                InfoCommand.class,
                ResizeCommand.class,
                CommitCommand.class,
                ImportQemuIoCommand.class,
                ImportQemuLogCommand.class,
                ExploreCommand.class,
                VerifyCommand.class,
                MinimizeCommand.class,
                RunCommand.class,
                ExportDiagramCommand.class,
                BenchCommand.class,
        })
public final class Main implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code, so tests can call it in-process. */
    public static int run(String... args) {
        if (args.length > 0 && args[0].equals("convert")) {
            // qemu-img convert's command line follows getopt's rules, which picocli's do not match
            return ConvertCommand.run(java.util.Arrays.asList(args).subList(1, args.length),
                    IoFastPath.stdout(), IoFastPath.stderr());
        }
        IoCommand io = IoFastPath.parse(args);
        if (io != null) {
            return IoFastPath.run(io);
        }
        CommandLine cli = new CommandLine(new Main());
        // qemu-img and qemu-io read their options with getopt, where an option given again overrides the first
        cli.setOverwrittenOptionsAllowed(true);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("blockstep: " + ex.getMessage());
            return 1;
        });
        cli.setExecutionExceptionHandler(CliErrors::report);
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli lets errors through; the command that ran is the last one parsed
            CommandLine ran = cli;
            for (ParseResult p = cli.getParseResult(); p != null && p.hasSubcommand(); p = p.subcommand()) {
                ran = p.subcommand().commandSpec().commandLine();
            }
            return CliErrors.report(e, ran);
        }
    }

    /** No subcommand opens the window, as double-clicking the jar would. */
    @Override
    public Integer call() {
        return new GuiCommand().call();
    }
}
