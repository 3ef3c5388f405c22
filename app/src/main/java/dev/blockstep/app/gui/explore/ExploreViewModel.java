package dev.blockstep.app.gui.explore;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.explore.FixComparison;
import dev.blockstep.engine.explore.FollowChoices;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import dev.blockstep.engine.fix.FixVariant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Explore panel's state and commands. Searches run on {@code worker}, never on the UI thread; results and
 * progress come back through {@code ui}. Cancel raises a flag the explorer reads before every state or run,
 * so the engine loop itself stops. Holds no nodes, so it is tested without a Stage.
 */
public final class ExploreViewModel {

    /** Opens a scenario on the worker thread; a failure is a one-line {@link ScenarioException}. */
    @FunctionalInterface
    public interface ScenarioSource {
        Scenario open() throws ScenarioException;
    }

    private final Executor worker;
    private final Executor ui;
    private final ObjectProperty<ExploreMode> mode = new SimpleObjectProperty<>(ExploreMode.EXHAUSTIVE);
    private final IntegerProperty runs = new SimpleIntegerProperty(1000);
    private final LongProperty seed = new SimpleLongProperty(1);
    private final LongProperty maxStates = new SimpleLongProperty(1_000_000);
    private final ObjectProperty<FixVariant> fix = new SimpleObjectProperty<>(FixVariant.NONE);
    /** The two variants the side-by-side view runs one schedule under. */
    private final ObjectProperty<FixVariant> compareLeft = new SimpleObjectProperty<>(FixVariant.NONE);
    private final ObjectProperty<FixVariant> compareRight = new SimpleObjectProperty<>(FixVariant.PATCH);
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final StringProperty progressText = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("Choose a scenario and press Run.");
    private final ObjectProperty<ExploreOutcome> outcome = new SimpleObjectProperty<>();
    private final ObservableList<Found> counterexamples = FXCollections.observableArrayList();
    private final ObjectProperty<FixComparison> comparison = new SimpleObjectProperty<>();
    private final StringProperty comparisonTitle = new SimpleStringProperty("");
    private volatile AtomicBoolean cancelFlag = new AtomicBoolean();
    private long lastProgressNanos;

    public ExploreViewModel(Executor worker, Executor ui) {
        this.worker = worker;
        this.ui = ui;
    }

    /** Starts a search of the scenario {@code source} opens; ignored while one is running. */
    public void run(String what, ScenarioSource source) {
        if (running.get()) {
            return;
        }
        ExploreRequest req = new ExploreRequest(mode.get(), runs.get(), seed.get(), maxStates.get(), fix.get());
        if (req.runs() < 1 || req.maxStates() < 1) {
            status.set("Runs and max states must be positive numbers.");
            return;
        }
        AtomicBoolean flag = new AtomicBoolean();
        cancelFlag = flag;
        running.set(true);
        progress.set(req.mode().random() ? 0 : -1);
        progressText.set("opening " + what);
        status.set("Exploring " + what + " — " + req.mode() + ", fix " + req.fix().id() + "…");
        counterexamples.clear();
        outcome.set(null);
        worker.execute(() -> {
            try {
                Scenario sc = source.open();
                ExploreOutcome o = ExploreJob.run(sc, req, flag::get, this::progressFromWorker);
                ui.execute(() -> finished(what, o));
            } catch (ScenarioException e) {
                ui.execute(() -> failed(e.getMessage()));
            } catch (RuntimeException e) {
                ui.execute(() -> failed(what + ": " + e));
            }
        });
    }

    /** Stops the running search at its next state (or run); what it found so far is shown. */
    public void cancel() {
        cancelFlag.set(true);
        if (running.get()) {
            progressText.set("cancelling…");
        }
    }

    /** Runs the counterexample's choices again under the two compared variants, for the side-by-side view. */
    public void compare(Found f) {
        compare("#" + f.number() + " of " + f.scenario().name() + " (its recorded choices)", f.scenario(),
                () -> new FollowChoices(f.counterexample().choices()));
    }

    /** Runs the scenario under a fresh seeded uniform policy under the two compared variants. */
    public void compareSeeded(String what, ScenarioSource source, long seedValue) {
        worker.execute(() -> {
            try {
                Scenario sc = source.open();
                compareOnWorker(what + " under random --seed " + seedValue, sc, () -> Policies.seededRandom(seedValue));
            } catch (ScenarioException e) {
                ui.execute(() -> failed(e.getMessage()));
            }
        });
    }

    private void compare(String what, Scenario sc, Supplier<SchedulingPolicy> policy) {
        worker.execute(() -> compareOnWorker(what, sc, policy));
    }

    private void compareOnWorker(String what, Scenario sc, Supplier<SchedulingPolicy> policy) {
        FixVariant left = compareLeft.get();
        FixVariant right = compareRight.get();
        try {
            FixComparison c = FixComparison.of(sc.setup(), policy, new QemuImgCheck(), left, right);
            ui.execute(() -> {
                comparisonTitle.set(what);
                comparison.set(c);
            });
        } catch (RuntimeException e) {
            ui.execute(() -> failed(what + ": " + e));
        }
    }

    private void progressFromWorker(double fraction, String text) {
        long now = System.nanoTime();
        // At most ~20 updates a second reach the UI thread, however fast the explorer goes.
        if (now - lastProgressNanos < 50_000_000L && fraction < 1) {
            return;
        }
        lastProgressNanos = now;
        ui.execute(() -> {
            if (running.get()) {
                progress.set(fraction);
                if (!cancelFlag.get()) {
                    progressText.set(text);
                }
            }
        });
    }

    private void finished(String what, ExploreOutcome o) {
        running.set(false);
        progress.set(o.complete() ? 1 : progress.get() < 0 ? 0 : progress.get());
        progressText.set("");
        outcome.set(o);
        counterexamples.setAll(o.found());
        String how = o.cancelled() ? "cancelled" : o.complete() ? "complete" : "stopped at max states: NOT complete";
        status.set(what + ": " + how + ", " + o.badRuns() + " bad of " + o.interleavings() + " in " + o.millis() + " ms"
                + (o.badRuns() > o.found().size() ? " (" + o.found().size() + " kept)" : ""));
    }

    private void failed(String oneLine) {
        running.set(false);
        progress.set(0);
        progressText.set("");
        status.set(oneLine);
    }

    public ObjectProperty<ExploreMode> modeProperty() {
        return mode;
    }

    public IntegerProperty runsProperty() {
        return runs;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    public LongProperty maxStatesProperty() {
        return maxStates;
    }

    public ObjectProperty<FixVariant> fixProperty() {
        return fix;
    }

    public ObjectProperty<FixVariant> compareLeftProperty() {
        return compareLeft;
    }

    public ObjectProperty<FixVariant> compareRightProperty() {
        return compareRight;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty progressTextProperty() {
        return progressText;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public ObjectProperty<ExploreOutcome> outcomeProperty() {
        return outcome;
    }

    public ObservableList<Found> counterexamples() {
        return counterexamples;
    }

    public ObjectProperty<FixComparison> comparisonProperty() {
        return comparison;
    }

    public StringProperty comparisonTitleProperty() {
        return comparisonTitle;
    }
}
