package dev.blockstep.app;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code blockstep gui [FILE]}: opens the debugger window. No JavaFX types here (see Main). */
@Command(name = "gui", mixinStandardHelpOptions = true,
        description = "Open the debugger window (the default when no subcommand is given), with the sample "
                + "minimal-race or FILE (a trace, a qemu -T log or a qcow2 image).")
public final class GuiCommand implements Runnable {

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "trace, qemu -T log or qcow2 image to open")
    Path file;

    @Option(names = "--dark", description = "use the dark theme")
    boolean dark;

    @Option(names = "--screenshot-dir", hidden = true,
            description = "step through the sample's teaching moments, save PNGs there, then quit")
    Path screenshotDir;

    @Override
    public void run() {
        dev.blockstep.app.gui.GuiLauncher.launch(file, dark, screenshotDir);
    }
}
