package dev.blockstep.app.gui.session;

import java.util.Set;

/**
 * A panel that follows the session. It redraws itself from the state; it never asks the engine anything.
 * Called on the UI thread; an exception is caught by the session and shown as a banner.
 */
public interface SessionPanel {

    /** Short name for banners and logs, e.g. "L1/L2 tables". */
    String panelName();

    void stepDidChange(SessionState state);

    /** What a panel can be told has changed. */
    enum Revision {
        /** A step, a jump, a restart, a fix flip or an open: the snapshot and the history. */
        STEP,
        /** The breakpoint list. */
        BREAKPOINTS
    }

    /** The revisions this panel redraws from; the session calls it only when one of them moved. */
    default Set<Revision> follows() {
        return Set.of(Revision.STEP);
    }
}
