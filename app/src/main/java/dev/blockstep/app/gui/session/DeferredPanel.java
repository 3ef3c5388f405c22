package dev.blockstep.app.gui.session;

import java.util.function.BiConsumer;
import javafx.beans.value.ObservableBooleanValue;

/**
 * Keeps a panel that is not on screen (an unselected tab) from redrawing on every step: it gets the latest
 * state when it is shown again. Panels that follow the history incrementally catch up in one go.
 */
public final class DeferredPanel implements SessionPanel {

    private final SessionPanel inner;
    private final ObservableBooleanValue showing;
    private SessionState pending;

    public DeferredPanel(SessionPanel inner, ObservableBooleanValue showing,
                         BiConsumer<String, RuntimeException> onFailure) {
        this.inner = inner;
        this.showing = showing;
        showing.addListener((obs, was, now) -> {
            if (now && pending != null) {
                SessionState s = pending;
                pending = null;
                try {
                    inner.stepDidChange(s);
                } catch (RuntimeException e) {
                    onFailure.accept(inner.panelName(), e);
                }
            }
        });
    }

    @Override
    public String panelName() {
        return inner.panelName();
    }

    @Override
    public java.util.Set<Revision> follows() {
        return inner.follows();
    }

    @Override
    public void stepDidChange(SessionState state) {
        if (showing.get()) {
            pending = null;
            inner.stepDidChange(state);
        } else {
            pending = state;
        }
    }
}
