package dev.blockstep.app.gui.session;

/** Session happenings that are not panel redraws. Called on the UI thread. */
public interface SessionObserver {

    /** The state changed (also dispatched to the panels, after this). */
    void stateChanged(SessionState state);

    /** Long work started ({@code busy}) or ended; {@code what} is e.g. "Resuming". */
    void busyChanged(boolean busy, String what);

    /** Progress of long work, e.g. steps run so far. */
    void progress(long done, String message);

    /** A command failed; one line for a dialog (bad file) or the status bar (engine refused). */
    void commandFailed(String oneLine, boolean wantsDialog);

    /** A panel threw while redrawing; stepping goes on. */
    void panelFailed(String panelName, RuntimeException error);
}
