package dev.blockstep.app.gui.session;

import dev.blockstep.engine.check.CheckException;
import dev.blockstep.engine.check.CheckReport;
import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.DebugTarget;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.io.TraceReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * THE place where the GUI meets the engine: the default sample, opening files, the check and export.
 * Everything here must call the real engine; nothing here may imitate it.
 */
public final class EngineWiring {

    /** The sample the window opens with. */
    public static final String DEFAULT_SAMPLE = "minimal-race";

    public TargetSource sample(String name) {
        return () -> {
            if (!SampleWorkloads.MINIMAL_RACE.equals(name)) {
                throw new TargetSource.OpenException("sample " + name + ": no such sample (known: "
                        + SampleWorkloads.MINIMAL_RACE + ")");
            }
            return new EngineSession(SampleWorkloads.minimalRace());
        };
    }

    /** A trace (.json), a qemu -T log, or a qcow2 image, told apart by their first bytes. */
    public TargetSource file(Path path) {
        return () -> {
            switch (FileKind.of(path)) {
                case QCOW2 -> throw new TargetSource.OpenException(path
                        + ": opening a qcow2 image is not wired to the engine in this build");
                case TRACE -> {
                    Trace trace;
                    try {
                        trace = TraceReader.read(path);
                    } catch (TraceFormatException e) {
                        throw new TargetSource.OpenException(e.getMessage(), e);
                    }
                    throw new TargetSource.OpenException(path + ": a valid trace of " + trace.workload().size()
                            + " commands, but this build's engine cannot replay traces yet");
                }
                default -> throw new TargetSource.OpenException(path
                        + ": importing a qemu -T log is not wired to the engine in this build");
            }
        };
    }

    /** engine.check's qemu-img check on the image bytes as they stand at the current step. */
    public CheckRunner checkRunner() {
        return target -> {
            HostFile file = imageOf(target);
            if (file == null) {
                return new CheckRunner.CheckResult("No image to check.", 1);
            }
            StringBuilder report = new StringBuilder();
            try {
                CheckResult r = ImageCheck.check(ImageBytes.of(file), "image", line -> report.append(line).append('\n'));
                return new CheckRunner.CheckResult(report + CheckReport.human(r), r.exitCode());
            } catch (CheckException e) {
                return new CheckRunner.CheckResult(report + "qemu-img: " + e.getMessage() + "\n", e.exitCode());
            }
        };
    }

    /** Writes the current image bytes as a .qcow2 file; a failure is one line. */
    public void exportImage(DebugTarget target, Path out) throws TargetSource.OpenException {
        HostFile file = imageOf(target);
        if (file == null) {
            throw new TargetSource.OpenException(out + ": nothing loaded to export");
        }
        try {
            file.copy().save(out);
        } catch (IOException e) {
            throw new TargetSource.OpenException(out + ": cannot write: " + e.getMessage());
        }
    }

    /** The live image of the engine's session (read on the engine worker only). */
    private static HostFile imageOf(DebugTarget target) {
        return target instanceof EngineSession s ? s.engine().file() : null;
    }

    /** Writes the workload, fix flips and schedule so far as a trace file. */
    public void saveTrace(DebugTarget target, Path out) throws TargetSource.OpenException {
        throw new TargetSource.OpenException(out + ": this build's engine cannot save traces yet");
    }
}
