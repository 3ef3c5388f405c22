package dev.blockstep.app.gui.session;

import dev.blockstep.engine.session.DebugTarget;

/** Runs the engine's qemu-img check equivalent on the target's current image. Called on the engine worker. */
@FunctionalInterface
public interface CheckRunner {

    CheckResult check(DebugTarget target);

    /**
     * @param report   what qemu-img check prints (stderr lines, then the summary)
     * @param exitCode qemu-img check's exit code: 0 clean, 2 corruptions, 3 leaks only
     */
    record CheckResult(String report, int exitCode) {
        public boolean clean() {
            return exitCode == 0;
        }
    }
}
