package dev.blockstep.app.gui.session;

import dev.blockstep.engine.session.DebugTarget;
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

    public CheckRunner checkRunner() {
        return target -> new CheckRunner.CheckResult(
                "This build's engine has no check yet (EngineWiring.checkRunner is where it plugs in).", 1);
    }

    /** Writes the current image as a .qcow2 file; a failure is one line. */
    public void exportImage(DebugTarget target, Path out) throws TargetSource.OpenException {
        throw new TargetSource.OpenException(out + ": this build's engine cannot export images yet");
    }

    /** Writes the workload, fix flips and schedule so far as a trace file. */
    public void saveTrace(DebugTarget target, Path out) throws TargetSource.OpenException {
        throw new TargetSource.OpenException(out + ": this build's engine cannot save traces yet");
    }
}
