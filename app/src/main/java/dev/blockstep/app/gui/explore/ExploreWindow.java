package dev.blockstep.app.gui.explore;

import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import dev.blockstep.engine.explore.TraceExport;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The Explore window (Explore menu): the Explore panel and the fixed-vs-unfixed view in two tabs. Searches
 * run on their own background thread, so the debugger's engine worker stays free for stepping.
 */
public final class ExploreWindow {
    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "blockstep-explore");
        t.setDaemon(true);
        return t;
    });

    private final DebuggerViewModel debugger;
    private final EngineWiring wiring;
    private final ExploreViewModel vm = new ExploreViewModel(WORKER, Platform::runLater);
    private final ScenarioChooser chooser;
    private final ExplorePanel panel;
    private final ComparisonView comparison;
    private final TabPane tabs = new TabPane();
    private final Stage stage = new Stage();
    /** The counterexample the comparison view shows, or null for a seeded comparison. */
    private Found compared;

    public ExploreWindow(DebuggerViewModel debugger, EngineWiring wiring, Window owner, List<String> stylesheets) {
        this.debugger = debugger;
        this.wiring = wiring;
        this.chooser = new ScenarioChooser(() -> stage);
        panel = new ExplorePanel(vm, chooser.node(), this::run, this::openInDebugger, this::compare);
        comparison = new ComparisonView(vm, this::compareSeeded);
        comparison.onTravel(this::travel);
        Tab explore = new Tab("Explore", panel.node());
        explore.setId("tab-explore");
        Tab side = new Tab("Fixed vs unfixed", comparison.node());
        side.setId("tab-comparison");
        tabs.getTabs().addAll(explore, side);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getStyleClass().add("debugger");
        Scene scene = new Scene(tabs, 1200, 800);
        scene.getStylesheets().addAll(stylesheets);
        stage.setScene(scene);
        stage.setTitle("blockstep — Explore interleavings");
        if (owner != null) {
            stage.initOwner(owner);
        }
    }

    public void show() {
        stage.show();
        stage.toFront();
    }

    public Stage stage() {
        return stage;
    }

    public ExploreViewModel viewModel() {
        return vm;
    }

    public ScenarioChooser chooser() {
        return chooser;
    }

    public ComparisonView comparison() {
        return comparison;
    }

    public void showComparisonTab() {
        tabs.getSelectionModel().select(1);
    }

    /** Runs a search of the selected scenario, as the Run button does. */
    public void runSelected() {
        run();
    }

    /** The counterexample list of the panel. */
    public javafx.scene.control.ListView<Found> panelList() {
        return panel.list();
    }

    private void run() {
        String sel = chooser.selection();
        if (ScenarioChooser.CURRENT.equals(sel)) {
            withCurrentWorkload(sc -> vm.run(sc.name(), sc.open()));
        } else {
            vm.run(label(sel), source(sel));
        }
    }

    private void compareSeeded(long seed) {
        compared = null;
        String sel = chooser.selection();
        if (ScenarioChooser.CURRENT.equals(sel)) {
            withCurrentWorkload(sc -> vm.compareSeeded(sc.name(), sc.open(), seed));
        } else {
            vm.compareSeeded(label(sel), source(sel), seed);
        }
    }

    private void compare(Found f) {
        compared = f;
        vm.compare(f);
        showComparisonTab();
    }

    /**
     * A comparison row was clicked: the debugger shows the unfixed run of the compared counterexample at that
     * step, opening it first when it is not what the debugger has loaded.
     */
    private void travel(int step) {
        Found f = compared;
        if (f == null) {
            vm.statusProperty().set("Travelling needs a counterexample: compare one from the Explore tab.");
            return;
        }
        if (title(f).equals(debugger.titleProperty().get()) && debugger.loadedProperty().get()) {
            debugger.goToStep(step);
            return;
        }
        openInDebugger(f);
        javafx.beans.value.ChangeListener<Boolean> once = new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends Boolean> o, Boolean was, Boolean busy) {
                if (!busy) {
                    debugger.busyProperty().removeListener(this);
                    if (title(f).equals(debugger.titleProperty().get())) {
                        debugger.goToStep(step);
                    }
                }
            }
        };
        debugger.busyProperty().addListener(once);
    }

    private static String title(Found f) {
        return "counterexample #" + f.number() + " of " + f.scenario().name();
    }

    private record Named(String name, ExploreViewModel.ScenarioSource open) {
    }

    /** The debugger's loaded trace as a scenario (its schedule is ignored), read on the engine worker. */
    private void withCurrentWorkload(java.util.function.Consumer<Named> then) {
        if (!debugger.loadedProperty().get()) {
            vm.statusProperty().set("The debugger has no workload loaded: open a trace or choose a scenario.");
            return;
        }
        String title = debugger.titleProperty().get();
        String name = title == null || title.isBlank() ? "current workload" : title;
        debugger.session().query("Reading the current workload", wiring::sourceOf, trace -> {
            if (trace == null) {
                vm.statusProperty().set(name + ": this session has no workload to explore (an image on its own?)");
            } else {
                then.accept(new Named(name, () -> Scenario.of(name, withoutSchedule(trace), Path.of("."))));
            }
        });
    }

    private static Trace withoutSchedule(Trace t) {
        return new Trace(t.formatVersion(), t.metadata(), t.image(), t.workload(), t.fix(), List.of(), List.of(),
                null, t.producer(), t.node(), t.job());
    }

    private static String label(String sel) {
        return ScenarioChooser.isFile(sel) ? ScenarioChooser.file(sel).getFileName().toString()
                : ScenarioChooser.shipped(sel);
    }

    private static ExploreViewModel.ScenarioSource source(String sel) {
        if (ScenarioChooser.isFile(sel)) {
            Path p = ScenarioChooser.file(sel);
            return () -> {
                if (!Files.isRegularFile(p)) {
                    throw new ScenarioException(p + ": no such scenario file");
                }
                return Scenario.load(p);
            };
        }
        String name = ScenarioChooser.shipped(sel);
        return () -> {
            try (InputStream in = ExploreWindow.class.getResourceAsStream("/scenarios/" + name + ".json")) {
                if (in == null) {
                    throw new ScenarioException(name + ".json: missing from the classpath");
                }
                return Scenario.load(in, name + ".json");
            } catch (IOException e) {
                throw new ScenarioException(name + ".json: cannot read: " + e.getMessage());
            }
        };
    }

    /** Exports the counterexample as a trace and opens it through the debugger's open-trace path, at step 0. */
    public void openInDebugger(Found f) {
        String title = title(f);
        debugger.open(title, () -> {
            Path file;
            try {
                file = Files.createTempFile("blockstep-counterexample-", ".json");
                file.toFile().deleteOnExit();
                TraceWriter.write(TraceExport.of(f.scenario().setup(), f.scenario().trace().image(), f.scenario().trace().job(),
                        f.counterexample(), title, f.policy(), f.seed()), file);
            } catch (IOException e) {
                throw new dev.blockstep.app.gui.session.TargetSource.OpenException(
                        "cannot write the counterexample trace: " + e.getMessage(), e);
            }
            return wiring.file(file).open();
        });
        if (stage.getOwner() instanceof Stage owner) {
            owner.toFront();
        }
    }
}
