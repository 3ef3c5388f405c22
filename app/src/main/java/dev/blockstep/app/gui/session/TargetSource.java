package dev.blockstep.app.gui.session;

import dev.blockstep.engine.session.DebugTarget;

/**
 * Opens a debug target. Called on the engine worker, never on the UI thread, because loading a big trace
 * can take long. A failure is an {@link OpenException} carrying the one line the user sees.
 */
@FunctionalInterface
public interface TargetSource {

    DebugTarget open() throws OpenException;

    /** The one-line message names the file, the place and what was expected. */
    final class OpenException extends Exception {
        public OpenException(String oneLine) {
            super(oneLine);
        }

        public OpenException(String oneLine, Throwable cause) {
            super(oneLine, cause);
        }
    }
}
