package dev.blockstep.app.gui;

import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.app.gui.viewmodel.KeyMoment;
import dev.blockstep.engine.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/**
 * Hidden --screenshot-dir mode: steps the loaded sample under its policy and saves a PNG of the window at
 * each teaching moment, then at the end with the check shown, then quits.
 */
final class ScreenshotTour implements SessionPanel {

    private static final Logger LOG = Logger.getLogger(ScreenshotTour.class.getName());
    private final DebuggerViewModel vm;
    private final DebuggerWindow window;
    private final Path dir;
    /** The file each kind of key moment is saved as, the first time it happens. */
    private static final java.util.Map<KeyMoment.Kind, String> FILES = java.util.Map.of(
            KeyMoment.Kind.LOCK_DROP, "01-lock-dropped",
            KeyMoment.Kind.FREE, "02-discard-frees-cluster",
            KeyMoment.Kind.RELINK, "03-writer-relinks");
    private static final String END = "04-check-fails";
    private static final String GUIDE = "00-step0-guide";
    private final java.util.Set<KeyMoment.Kind> saved = java.util.EnumSet.noneOf(KeyMoment.Kind.class);
    private Snapshot previous;
    private boolean finishing;

    ScreenshotTour(DebuggerViewModel vm, DebuggerWindow window, Path dir) {
        this.vm = vm;
        this.window = window;
        this.dir = dir;
    }

    void start() {
        vm.session().addPanel(this);
        vm.errorDialogProperty().addListener((o, was, now) -> {
            if (!now.isEmpty()) {
                System.err.println("blockstep: screenshot tour stopped: " + now);
                Platform.runLater(() -> save("00-error"));
            }
        });
    }

    @Override
    public String panelName() {
        return "Screenshot tour";
    }

    @Override
    public void stepDidChange(SessionState state) {
        boolean first = previous == null;
        // the tour takes one step at a time, so the previous state is the one before this step
        for (KeyMoment m : previous == null ? java.util.List.<KeyMoment>of() : KeyMoment.of(previous, state.snapshot())) {
            String file = FILES.get(m.kind());
            if (file != null && saved.add(m.kind())) {
                window.showBottomTab(m.kind() == KeyMoment.Kind.LOCK_DROP ? "tab-timeline" : "tab-console");
                Platform.runLater(() -> save(file));
                LOG.info("step " + m.step() + ": " + m.text());
            }
        }
        previous = state.snapshot();
        if (state.snapshot().finished()) {
            if (!finishing) {
                finishing = true;
                window.showBottomTab("tab-check");
                window.checkPanel().onChecked(() -> Platform.runLater(() -> {
                    save(END);
                    Platform.exit();
                }));
            }
        } else if (first) {
            // the guide asks the worker for the trace's metadata when a file opens; a query queued after it
            // answers after the guide has its text, so the step-0 picture shows the guide filled in
            vm.session().query("Screenshot", t -> Boolean.TRUE, done -> {
                save(GUIDE);
                vm.step();
            });
        } else {
            Platform.runLater(vm::step);
        }
    }

    private void save(String stem) {
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve(stem + ".png");
            writePng(window.scene(), out);
            System.out.println("screenshot " + out);
        } catch (IOException e) {
            System.err.println("blockstep: cannot write screenshot in " + dir + ": " + e.getMessage());
        }
    }

    static void writePng(Scene scene, Path out) throws IOException {
        WritableImage img = scene.snapshot(null);
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] argb = new int[w * h];
        img.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        java.awt.image.BufferedImage b = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_INT_ARGB);
        b.setRGB(0, 0, w, h, argb, 0, w);
        javax.imageio.ImageIO.write(b, "png", out.toFile());
    }
}
