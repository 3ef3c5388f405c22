package dev.blockstep.app.gui.explore;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.layout.HBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** Where the scenario comes from: the debugger's current workload, a shipped scenario, or a scenario file. */
public final class ScenarioChooser {
    public static final String CURRENT = "Current workload (the debugger's)";
    /** The scenarios the samples module ships under /scenarios/. */
    public static final List<String> SHIPPED = List.of("minimal-race", "minimal-race-no-unmap", "guest-only",
            "guest-mirror", "guest-mirror-write-blocking", "guest-stream", "guest-commit", "upstream-mix",
            "three-requests", "five-requests", "random-5000");
    private static final String FILE_PREFIX = "File: ";

    private final ComboBox<String> combo = new ComboBox<>();
    private final HBox row;

    public ScenarioChooser(java.util.function.Supplier<Window> owner) {
        combo.setId("explore-scenario");
        combo.getItems().add(CURRENT);
        SHIPPED.forEach(s -> combo.getItems().add("Scenario: " + s));
        combo.getSelectionModel().select(0);
        combo.setPrefWidth(420);
        Button file = new Button("Scenario file…");
        file.setId("explore-scenario-file");
        file.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Open scenario (a trace file without a schedule)");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Scenarios", "*.json"));
            File f = chooser.showOpenDialog(owner.get());
            if (f != null) {
                choose(f.toPath());
            }
        });
        row = new HBox(8, combo, file);
    }

    public Node node() {
        return row;
    }

    /** Adds a scenario file and selects it. */
    public void choose(Path file) {
        String item = FILE_PREFIX + file.toAbsolutePath();
        if (!combo.getItems().contains(item)) {
            combo.getItems().add(item);
        }
        combo.getSelectionModel().select(item);
    }

    public void chooseShipped(String name) {
        combo.getSelectionModel().select("Scenario: " + name);
    }

    public void chooseCurrent() {
        combo.getSelectionModel().select(CURRENT);
    }

    /** The selection: CURRENT, "Scenario: NAME" or "File: PATH". */
    public String selection() {
        return combo.getSelectionModel().getSelectedItem();
    }

    public static boolean isFile(String selection) {
        return selection.startsWith(FILE_PREFIX);
    }

    public static Path file(String selection) {
        return Path.of(selection.substring(FILE_PREFIX.length()));
    }

    public static String shipped(String selection) {
        return selection.substring("Scenario: ".length());
    }
}
