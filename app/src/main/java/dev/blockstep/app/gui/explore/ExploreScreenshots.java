package dev.blockstep.app.gui.explore;

import dev.blockstep.app.gui.DebuggerWindow;
import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.prefs.Preferences;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

/**
 * Takes the documentation screenshots of the Explore window: loads the default sample, explores its workload
 * exhaustively with the fix off, saves the panel, compares the first counterexample fixed against unfixed,
 * saves that view, and quits. Run: {@code java -cp blockstep.jar dev.blockstep.app.gui.explore.ExploreScreenshots DIR}.
 */
public final class ExploreScreenshots {

    private ExploreScreenshots() {
    }

    /** A main class that is not an Application, so the shaded jar starts JavaFX from the classpath. */
    public static void main(String[] args) {
        Application.launch(Shots.class, args);
    }

    /** The toolkit's entry point. */
    public static final class Shots extends Application {
        @Override
        public void start(Stage stage) {
            Path dir = Path.of(getParameters().getRaw().isEmpty() ? "." : getParameters().getRaw().get(0));
            var engine = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "blockstep-engine");
                t.setDaemon(true);
                return t;
            });
            DebuggerViewModel vm = new DebuggerViewModel(engine, Platform::runLater);
            EngineWiring wiring = new EngineWiring();
            DebuggerWindow window = new DebuggerWindow(vm, wiring,
                    Preferences.userRoot().node("dev/blockstep/gui-explore-shots"));
            stage.setScene(window.scene());
            stage.show();
            vm.loadedProperty().addListener((o, was, loaded) -> {
                if (!loaded) {
                    return;
                }
                ExploreWindow ex = window.explorer();
                ex.stage().setWidth(1400);
                ex.stage().setHeight(900);
                ex.show();
                ex.chooser().chooseCurrent();
                ExploreViewModel evm = ex.viewModel();
                evm.outcomeProperty().addListener((o2, w2, outcome) -> {
                    if (outcome == null) {
                        return;
                    }
                    Platform.runLater(() -> {
                        ex.panelList().getSelectionModel().select(0);
                        save(ex.stage().getScene(), dir.resolve("explore-panel.png"));
                        evm.compare(evm.counterexamples().get(0));
                        ex.showComparisonTab();
                    });
                });
                evm.comparisonProperty().addListener((o3, w3, c) -> Platform.runLater(() -> Platform.runLater(() -> {
                    save(ex.stage().getScene(), dir.resolve("explore-fixed-vs-unfixed.png"));
                    Platform.exit();
                })));
                ex.runSelected();
            });
            vm.open(EngineWiring.DEFAULT_SAMPLE, wiring.sample(EngineWiring.DEFAULT_SAMPLE));
        }
    }

    private static void save(Scene scene, Path out) {
        try {
            Files.createDirectories(out.getParent());
            WritableImage img = scene.snapshot(null);
            int w = (int) img.getWidth();
            int h = (int) img.getHeight();
            int[] argb = new int[w * h];
            img.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
            var b = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_ARGB);
            b.setRGB(0, 0, w, h, argb, 0, w);
            javax.imageio.ImageIO.write(b, "png", out.toFile());
            System.out.println("screenshot " + out);
        } catch (IOException e) {
            System.err.println("blockstep: cannot write screenshot " + out + ": " + e.getMessage());
        }
    }
}
