package dev.blockstep.app.gui;

import java.io.File;
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
        return log -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Which image did qemu start from? (base image for " + log.getFileName() + ")");
            File dir = log.toAbsolutePath().getParent().toFile();
            if (dir.isDirectory()) {
                chooser.setInitialDirectory(dir);
            }
            chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("qcow2 images", "*.qcow2"),
                    new FileChooser.ExtensionFilter("All files", "*"));
            File f = chooser.showOpenDialog(owner.get());
            return Optional.ofNullable(f).map(File::toPath);
        };
    }
}
