package dev.blockstep.app.gui.session;

import java.util.ArrayList;
import java.util.List;

/** A session observer for tests: keeps the one-line failures (status bar and dialog) and ignores the rest. */
final class RecordingObserver implements SessionObserver {
    final List<String> failures = new ArrayList<>();
    final List<String> dialogs = new ArrayList<>();

    @Override
    public void stateChanged(SessionState state) {
    }

    @Override
    public void busyChanged(boolean busy, String what) {
    }

    @Override
    public void progress(long done, String message) {
    }

    @Override
    public void commandFailed(String oneLine, boolean wantsDialog) {
        (wantsDialog ? dialogs : failures).add(oneLine);
    }

    @Override
    public void panelFailed(String panelName, RuntimeException error) {
        failures.add(panelName);
    }
}
