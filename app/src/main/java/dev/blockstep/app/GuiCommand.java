package dev.blockstep.app;

import java.nio.file.Path;
import dev.blockstep.app.cli.FixOption;
import dev.blockstep.engine.fix.FixVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code blockstep gui [FILE]}: opens the debugger window. No JavaFX types here (see Main). */
@Command(name = "gui", mixinStandardHelpOptions = true,
        description = "Open the debugger window (the default when no subcommand is given), with the sample "
                + "minimal-race or FILE (a trace, a qemu -T log or a qcow2 image).")
public final class GuiCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "trace, qemu -T log or qcow2 image to open")
    Path file;

    @Mixin
    FixOption fix;

    @Option(names = "--dark", description = "use the dark theme")
    boolean dark;

    @Option(names = "--presentation", description = "start in presentation mode (large type, the panels a class"
            + " needs; F5 switches it)")
    boolean presentation;

    @Option(names = "--screenshot-dir", hidden = true,
            description = "step through the sample's teaching moments, save PNGs there, then quit")
    Path screenshotDir;

    @Override
    public Integer call() {
        String missing = missingDisplay();
        if (missing != null) {
            System.err.println("blockstep: cannot open the window: " + missing);
            return 1;
        }
        FixVariant v = fix == null ? null : fix.chosen();
        dev.blockstep.app.gui.GuiLauncher.launch(file, dark, presentation, screenshotDir, v == null ? null : v.id());
        return 0;
    }

    /**
     * On Linux the toolkit needs an X or Wayland display; without one it prints a stack trace, so say it in one
     * line instead. A headless platform chosen by system property (Monocle) needs none.
     */
    public static String missingDisplay() {
        boolean linux = System.getProperty("os.name", "").toLowerCase().contains("linux");
        boolean headlessPlatform = System.getProperty("glass.platform") != null;
        if (!linux || headlessPlatform) {
            return null;
        }
        if (isSet(System.getenv("DISPLAY")) || isSet(System.getenv("WAYLAND_DISPLAY"))) {
            return null;
        }
        return "no display (DISPLAY is not set); run it in a desktop session, or under xvfb-run -a";
    }

    private static boolean isSet(String v) {
        return v != null && !v.isEmpty();
    }
}
