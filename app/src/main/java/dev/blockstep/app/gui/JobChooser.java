package dev.blockstep.app.gui;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * Asks for the QMP command of the job a mirror's qemu log shows (blockdev-mirror or an active block-commit: the log
 * names neither target nor copy-mode), as a JSON file holding what a trace's job field holds, when none lies beside
 * the log. Behind an interface so a test can answer without a native dialog. Called on the FX thread; empty means
 * the user cancelled.
 */
@FunctionalInterface
public interface JobChooser {

    Optional<Path> choose(Path log);

    /** The real one: a file chooser for JSON files opened in the log's directory. */
    static JobChooser fileChooser(Supplier<Window> owner) {
        return log -> LogFileDialog.ask(owner, log, "Which job command did the VM run? (QMP blockdev-mirror or "
                + "block-commit as JSON, for " + log.getFileName() + ")", new FileChooser.ExtensionFilter("JSON",
                "*.json"));
    }
}
