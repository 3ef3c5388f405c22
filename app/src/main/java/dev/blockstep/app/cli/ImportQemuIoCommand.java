package dev.blockstep.app.cli;

import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.ImportException;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code blockstep import-qemu-io SCRIPT -o TRACE}: a qemu-io script becomes a trace with no schedule. */
@Command(name = "import-qemu-io", description = "Turn a qemu-io script into a blockstep trace (run by a policy).")
public final class ImportQemuIoCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCRIPT", description = "qemu-io commands, one per line")
    Path script;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "TRACE", description = "trace file to write")
    Path output;

    @Mixin
    ImageOptions image;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            CliFiles.refuseOverwrite(output, "-o", script, image.base, image.setup);
            CliFiles.requireWritable(output);
            ImageSetup setup = image.resolve(output);
            String name = script.getFileName().toString();
            Trace trace = QemuIoScriptImporter.importScript(CliFiles.read(script), name, setup);
            CliFiles.write(trace, output);
            spec.commandLine().getOut().println("wrote " + output + ": " + trace.workload().size() + " commands");
            return 0;
        } catch (CliException | ImportException e) {
            spec.commandLine().getErr().println("blockstep: " + e.getMessage());
            return 1;
        }
    }
}
