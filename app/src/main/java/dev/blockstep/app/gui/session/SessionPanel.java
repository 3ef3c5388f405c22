package dev.blockstep.app.gui.session;

/**
 * A panel that follows the session. It redraws itself from the state; it never asks the engine anything.
 * Called on the UI thread; an exception is caught by the session and shown as a banner.
 */
public interface SessionPanel {

    /** Short name for banners and logs, e.g. "L1/L2 tables". */
    String panelName();

    void stepDidChange(SessionState state);
}
