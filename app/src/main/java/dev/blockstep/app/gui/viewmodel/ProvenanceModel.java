package dev.blockstep.app.gui.viewmodel;

import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.Provenance;
import java.util.Optional;
import java.util.function.IntConsumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;

/**
 * "Where did this value come from": for the L2 entry, refcount or host cluster the user picked, the step
 * that last wrote it at the current position (a click travels there) and the write before that one
 * (reverse-continue). Reads only the session's immutable steps; the engine's {@link Provenance} does the search.
 */
public final class ProvenanceModel {

    private final IntConsumer travel;
    private final ObjectProperty<Provenance.Value> selected = new SimpleObjectProperty<>();
    private final SimpleStringProperty text = new SimpleStringProperty("");
    private final SimpleIntegerProperty lastWriteStep = new SimpleIntegerProperty(-1);
    private final SimpleIntegerProperty previousWriteStep = new SimpleIntegerProperty(-1);
    private SessionState state;

    /** @param travel goes to a step of the known history (the debugger's goToStep) */
    public ProvenanceModel(IntConsumer travel) {
        this.travel = travel;
        selected.addListener(o -> update());
    }

    /** Picks the value to trace; null clears. */
    public void select(Provenance.Value v) {
        selected.set(v);
    }

    public ObjectProperty<Provenance.Value> selectedProperty() {
        return selected;
    }

    public void stateChanged(SessionState s) {
        state = s;
        update();
    }

    /** Travels to the state right after the last write. */
    public void goToLastWrite() {
        if (lastWriteStep.get() >= 0) {
            travel.accept(lastWriteStep.get());
        }
    }

    /** Travels back to the write before the current position: pressed again, it walks back through them all. */
    public void reverseContinue() {
        if (previousWriteStep.get() >= 0) {
            travel.accept(previousWriteStep.get());
        }
    }

    public ReadOnlyStringProperty textProperty() {
        return text;
    }

    /** The step number of the last write, or -1. */
    public ReadOnlyIntegerProperty lastWriteStepProperty() {
        return lastWriteStep;
    }

    /** Where reverse-continue goes, or -1 when nothing wrote the value before the current position. */
    public ReadOnlyIntegerProperty previousWriteStepProperty() {
        return previousWriteStep;
    }

    private void update() {
        Provenance.Value v = selected.get();
        if (v == null || state == null) {
            text.set(v == null ? "Pick an L2 entry or a host cluster to see which step wrote it." : "");
            lastWriteStep.set(-1);
            previousWriteStep.set(-1);
            return;
        }
        int at = state.snapshot().step();
        Optional<Provenance.Write> last = Provenance.lastWrite(state.steps(), v, at);
        Optional<Provenance.Write> previous = Provenance.previousWrite(state.steps(), v, at);
        lastWriteStep.set(last.map(Provenance.Write::step).orElse(-1));
        previousWriteStep.set(previous.map(Provenance.Write::step).orElse(-1));
        text.set(v.describe() + ": " + last.map(this::describe).orElse("not written since step 0"));
    }

    private String describe(Provenance.Write w) {
        return "last written at step " + w.step() + " by " + name(w.coroutine()) + " in " + w.stepName()
                + (w.change().isEmpty() ? "" : " (" + w.change() + ")");
    }

    private String name(int co) {
        for (CoroutineView c : state.snapshot().coroutines()) {
            if (c.id() == co) {
                return c.name();
            }
        }
        return "co " + co;
    }
}
