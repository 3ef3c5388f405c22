package dev.blockstep.app.gui;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** The native file dialog that asks for a file a qemu log needs, opened in the log's directory. */
final class LogFileDialog {
    private LogFileDialog() {
    }

    /** Empty when the user cancelled. */
    static Optional<Path> ask(Supplier<Window> owner, Path log, String title, FileChooser.ExtensionFilter files) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        File dir = log.toAbsolutePath().getParent().toFile();
        if (dir.isDirectory()) {
            chooser.setInitialDirectory(dir);
        }
        chooser.getExtensionFilters().addAll(files, new FileChooser.ExtensionFilter("All files", "*"));
        return Optional.ofNullable(chooser.showOpenDialog(owner.get())).map(File::toPath);
    }
}
