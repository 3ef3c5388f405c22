package dev.blockstep.app.gui;

import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.app.gui.viewmodel.TeachingMoment;
import dev.blockstep.app.gui.viewmodel.TeachingMomentDetector;
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
    private final TeachingMomentDetector detector = new TeachingMomentDetector();
    private int followed;
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
        for (int i = followed; i < state.steps().size(); i++) {
            int at = i;
            detector.feed(state.steps().get(i)).ifPresent(m -> {
                window.showBottomTab(m == TeachingMoment.LOCK_DROPPED ? "tab-timeline" : "tab-console");
                Platform.runLater(() -> save(m.fileStem()));
                LOG.info("step " + (at + 1) + ": " + m.description());
            });
        }
        followed = state.steps().size();
        if (state.snapshot().finished()) {
            if (!finishing) {
                finishing = true;
                window.showBottomTab("tab-check");
                window.checkPanel().onChecked(() -> Platform.runLater(() -> {
                    save(TeachingMoment.CHECK_FAILS.fileStem());
                    Platform.exit();
                }));
            }
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
