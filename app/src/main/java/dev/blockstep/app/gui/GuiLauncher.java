package dev.blockstep.app.gui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Application;

/**
 * Starts the toolkit. Main only calls {@link #launch}; the CLI path never loads this class, so it never
 * loads JavaFX.
 */
public final class GuiLauncher {

    private GuiLauncher() {
    }

    /** @param fix the fix variant to start under (from step 0 of what opens), or null for what the file says */
    public static void launch(Path open, boolean dark, boolean presentation, Path screenshotDir,
                              String fix) {
        List<String> args = new ArrayList<>();
        if (fix != null) {
            args.add("--fix=" + fix);
        }
        if (open != null) {
            args.add("--open=" + open);
        }
        if (dark) {
            args.add("--dark=true");
        }
        if (presentation) {
            args.add("--presentation=true");
        }
        if (screenshotDir != null) {
            args.add("--screenshot-dir=" + screenshotDir);
        }
        RenderSettings.beforeToolkit();
        Application.launch(DebuggerApp.class, args.toArray(String[]::new));
    }
}
