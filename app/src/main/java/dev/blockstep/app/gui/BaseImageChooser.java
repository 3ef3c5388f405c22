package dev.blockstep.app.gui;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * Asks which image a qemu log started from, when none lies beside it. Behind an interface so a test can answer
 * without a native dialog. Called on the FX thread; empty means the user cancelled.
 */
@FunctionalInterface
public interface BaseImageChooser {

    Optional<Path> choose(Path log);

    /** The real one: a file chooser opened in the log's directory. */
    static BaseImageChooser fileChooser(Supplier<Window> owner) {
        return log -> LogFileDialog.ask(owner, log, "Which image did qemu start from? (base image for "
                + log.getFileName() + ")", new FileChooser.ExtensionFilter("qcow2 images", "*.qcow2"));
    }
}
