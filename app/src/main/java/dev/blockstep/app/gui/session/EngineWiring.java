package dev.blockstep.app.gui.session;

import dev.blockstep.engine.check.CheckException;
import dev.blockstep.engine.check.CheckReport;
import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.DebugTarget;
import dev.blockstep.engine.session.EngineSession;
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
            throw new TargetSource.OpenException("sample " + name + ": this build's engine has no debug session yet"
                    + " (EngineWiring.sample is where it plugs in)");
        };
    }

    /** A trace (.json), a qemu -T log, or a qcow2 image, told apart by content. */
    public TargetSource file(Path path) {
        return () -> {
            throw new TargetSource.OpenException(path + ": this build's engine cannot open files yet"
                    + " (EngineWiring.file is where it plugs in)");
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
