package dev.blockstep.app.cli;

import dev.blockstep.engine.block.BlockJob;
import dev.blockstep.engine.check.CheckReport;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.trace.TraceReplayException;
import dev.blockstep.engine.trace.TraceRun;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.io.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep run}: replays a trace headless and checks the image it leaves, printing what
 * {@code qemu-img check} would print for it and exiting as {@code check} does (0 clean, 2 corruptions, 3 leaks
 * only, 1 bad input or a replay that could not go on). The trace file is only read.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Replay a trace headless and print qemu-img check's report of the final image.",
                "The recorded schedule is followed step for step when the trace has one; any step that differs "
                        + "stops the run with one line naming it.",
                "--seed N runs a seeded random schedule instead (recorded fix flips still apply at their steps).",
                "--fix[=VARIANT] runs under that variant from step 0 and ignores recorded flips; since a schedule "
                        + "recorded under another variant generally cannot be followed, the run is then scheduled by --seed, else "
                        + "by the trace's metadata policy and seed, else FIFO."})
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ReplayOptions replay;

    @Option(names = "--image-out", paramLabel = "FILE", description = "Write the final qcow2 image to FILE. When "
            + "the trace's block job writes other images (a commit's base, a mirror's target), each is written next "
            + "to FILE as STEM.NAME, STEM being FILE without .qcow2 and NAME the image's file name (or the mirror target's node name) in the "
            + "trace, with .qcow2.")
    String imageOut;

    @Option(names = "--json", description = "Print the check summary as qemu-img check --output=json does.")
    boolean json;

    @Parameters(index = "0", paramLabel = "TRACE", description = "The trace file (JSON).")
    String trace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return runAndCheck(out, err);
        } catch (CliException e) {
            err.println("blockstep run: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private int runAndCheck(PrintWriter out, PrintWriter err) throws CliException {
        Path tracePath = CliFiles.path(trace, "TRACE");
        CliFiles.requireRegular(tracePath);
        Path outPath = imageOut == null ? null : CliFiles.path(imageOut, "--image-out");
        TraceRun.Result run;
        TraceFile file;
        Path dir = tracePath.toAbsolutePath().getParent();
        try {
            file = TraceReader.open(tracePath);
            if (outPath != null) {
                CliFiles.refuseOverwrite(outPath, "--image-out", tracePath, baseImage(file, dir));
                CliFiles.requireWritable(outPath);
            }
            run = TraceRun.headless(file, dir, tracePath.getFileName().toString(), replay.toRunOptions());
        } catch (TraceFormatException | TraceReplayException e) {
            throw new CliException(e.getMessage());
        }
        if (run.openRepair() != null) {
            err.println("blockstep run: " + run.openRepair().summary());
        }
        for (String line : run.stderr()) {
            err.println(line);
        }
        HostFile image = run.image();
        if (outPath != null) {
            Map<Path, HostFile> outputs = new LinkedHashMap<>();
            outputs.put(outPath, image);
            for (BlockJob.WrittenImage w : run.jobImages()) {
                Path p = jobImagePath(outPath, w.name());
                CliFiles.refuseOverwrite(p, "--image-out", tracePath, baseImage(file, dir), outPath);
                outputs.put(p, w.driver().file());
            }
            for (Map.Entry<Path, HostFile> o : outputs.entrySet()) {
                try {
                    o.getValue().save(o.getKey());
                } catch (IOException e) {
                    throw new CliException("cannot write " + o.getKey() + ": " + e.getMessage());
                }
            }
        }
        return check(image, imageOut != null ? imageOut : trace, out, err);
    }

    /** What ImageCheck.run does for a file, for the image in memory. */
    private int check(HostFile image, String name, PrintWriter out, PrintWriter err) {
        try {
            return ImageCheck.report(ImageBytes.of(image), name, "qcow2",
                    json ? CheckReport.Format.JSON : CheckReport.Format.HUMAN, false, out, err);
        } catch (RuntimeException e) {
            // A checker bug must still end in one line, never a stack trace.
            err.println("blockstep run: checking the final image failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** Where a job's other image goes: FILE's stem, a dot, and the image's name in the trace, ending .qcow2. */
    static Path jobImagePath(Path out, String imageName) {
        String n = out.getFileName().toString();
        String stem = n.endsWith(".qcow2") ? n.substring(0, n.length() - ".qcow2".length()) : n;
        String image = Path.of(imageName).getFileName().toString();
        return out.resolveSibling(stem + "." + image + (image.endsWith(".qcow2") ? "" : ".qcow2"));
    }

    private static Path baseImage(TraceFile file, Path dir) {
        return file.header().image() instanceof ImageSetup.Base b ? dir.resolve(b.path()) : null;
    }
}
