package dev.blockstep.app.gui;

import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.engine.fix.FixVariant;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.prefs.Preferences;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The JavaFX application. Parameters (from {@link GuiLauncher}): {@code --open=FILE}, {@code --dark=true},
 * {@code --presentation=true},
 * {@code --screenshot-dir=DIR} (hidden: step through the default sample's teaching moments, save PNGs, quit).
 */
public final class DebuggerApp extends Application {

    private static final Logger LOG = Logger.getLogger(DebuggerApp.class.getName());
    private ExecutorService engine;

    @Override
    public void start(Stage stage) {
        engine = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "blockstep-engine");
            t.setDaemon(true);
            return t;
        });
        DebuggerViewModel vm = new DebuggerViewModel(engine, Platform::runLater);
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> {
            LOG.log(Level.WARNING, "uncaught on the FX thread", e);
            vm.panelFailed("window", e instanceof RuntimeException re ? re : new RuntimeException(e));
        });
        EngineWiring wiring = new EngineWiring();
        Map<String, String> named = getParameters().getNamed();
        String screenshots = named.get("screenshot-dir");
        DebuggerWindow window = new DebuggerWindow(vm, wiring, screenshots == null
                ? Preferences.userRoot().node("dev/blockstep/gui") : freshPreferences());
        window.setDark(Boolean.parseBoolean(named.getOrDefault("dark", "false")));
        window.setPresentation(Boolean.parseBoolean(named.getOrDefault("presentation", "false")));
        stage.setScene(window.scene());
        stage.titleProperty().bind(vm.titleProperty().map(t -> t.isEmpty() ? "blockstep" : "blockstep — " + t));
        stage.show();
        stage.requestFocus();
        if (screenshots != null) {
            new ScreenshotTour(vm, window, Path.of(screenshots)).start();
        }
        String fix = named.get("fix");
        if (fix != null) {
            startUnder(vm, FixVariant.byId(fix));
        }
        String file = named.get("open");
        if (file != null) {
            window.openFile(Path.of(file));
        } else {
            vm.open(EngineWiring.DEFAULT_SAMPLE, wiring.sample(EngineWiring.DEFAULT_SAMPLE));
        }
    }

    /** Picks {@code v} once the first target has loaded, as if the user had picked it at step 0. */
    private static void startUnder(DebuggerViewModel vm, FixVariant v) {
        vm.loadedProperty().addListener(new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends Boolean> o, Boolean was, Boolean now) {
                if (now) {
                    vm.loadedProperty().removeListener(this);
                    // after the state that set loaded has been applied, so the pick is sent to the engine
                    Platform.runLater(() -> vm.fixProperty().set(v));
                }
            }
        });
    }

    /** Screenshots must not depend on the dividers a user dragged last time. */
    private static Preferences freshPreferences() {
        Preferences p = Preferences.userRoot().node("dev/blockstep/gui-screenshots");
        try {
            p.clear();
        } catch (java.util.prefs.BackingStoreException e) {
            LOG.log(Level.FINE, "cannot clear screenshot preferences", e);
        }
        return p;
    }

    @Override
    public void stop() {
        if (engine != null) {
            engine.shutdownNow();
        }
    }
}
