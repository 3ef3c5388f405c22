package dev.blockstep.app.gui;

import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.session.TargetSource;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * File, Run and View menus. The Run menu carries IntelliJ's debugger keys as accelerators, so they work
 * wherever the focus is: F8 step, F7 step the selected coroutine, F9 resume, Shift+F8 step back,
 * Ctrl+F2 restart, Ctrl+F8 toggle breakpoint.
 */
final class MainMenu {

    private final DebuggerViewModel vm;
    private final EngineWiring wiring;
    private final RecentFiles recent;
    private final Supplier<Window> window;
    private final MenuBar bar = new MenuBar();
    private final Menu recentMenu = new Menu("Open recent");
    private BaseImageChooser baseChooser;
    private JobChooser jobChooser;

    MainMenu(DebuggerViewModel vm, EngineWiring wiring, RecentFiles recent, Supplier<Window> window,
             javafx.beans.property.BooleanProperty dark, javafx.beans.property.BooleanProperty presentation) {
        this.vm = vm;
        this.wiring = wiring;
        this.recent = recent;
        this.window = window;
        this.baseChooser = BaseImageChooser.fileChooser(window);
        this.jobChooser = JobChooser.fileChooser(window);

        MenuItem open = item("menu-open", "Open trace, log or image…", new KeyCodeCombination(KeyCode.O,
                KeyCombination.SHORTCUT_DOWN), this::chooseAndOpen);
        Menu sample = new Menu("Open sample");
        sample.setId("menu-samples");
        for (String name : dev.blockstep.samples.Samples.NAMES) {
            sample.getItems().add(item("menu-sample-" + name, name, null, () -> vm.open(name, wiring.sample(name))));
        }
        MenuItem saveTrace = item("menu-save-trace", "Save trace…", new KeyCodeCombination(KeyCode.S,
                KeyCombination.SHORTCUT_DOWN), () -> saveAs("Save trace", "*.json", wiring::saveTrace));
        MenuItem export = item("menu-export", "Export image as .qcow2…", null,
                () -> saveAs("Export image", "*.qcow2", wiring::exportImage));
        MenuItem diagram = item("menu-export-diagram", "Export sequence diagram (SVG or PNG)…", null,
                () -> saveAs("Export sequence diagram", List.of("*.svg", "*.png"),
                        (target, out) -> wiring.exportDiagram(target, out, vm.titleProperty().get())));
        diagram.disableProperty().bind(vm.loadedProperty().not());
        MenuItem repair = item("menu-repair", "Repair (qemu-img check -r all)", null,
                () -> vm.session().query("Repair", wiring::repair, r -> RepairDialog.show(window.get(), r)));
        repair.disableProperty().bind(vm.loadedProperty().not());
        MenuItem quit = item("menu-quit", "Quit", new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN),
                Platform::exit);
        saveTrace.disableProperty().bind(vm.loadedProperty().not());
        export.disableProperty().bind(vm.loadedProperty().not());
        refreshRecent();
        Menu file = new Menu("File", null, open, sample, recentMenu, new SeparatorMenuItem(), saveTrace, export,
                diagram, repair, new SeparatorMenuItem(), quit);

        Menu run = new Menu("Run", null,
                item("menu-step", "Step", new KeyCodeCombination(KeyCode.F8), vm::step),
                item("menu-step-selected", "Step selected coroutine", new KeyCodeCombination(KeyCode.F7),
                        vm::stepSelected),
                item("menu-resume", "Resume", new KeyCodeCombination(KeyCode.F9), vm::resume),
                item("menu-pause", "Pause", null, vm::pause),
                item("menu-step-back", "Step back", new KeyCodeCombination(KeyCode.F8, KeyCombination.SHIFT_DOWN),
                        vm::stepBack),
                item("menu-restart", "Restart", new KeyCodeCombination(KeyCode.F2, KeyCombination.CONTROL_DOWN),
                        vm::restart),
                new SeparatorMenuItem(),
                item("menu-next-moment", "Next key moment", new KeyCodeCombination(KeyCode.F6), vm::nextKeyMoment),
                item("menu-previous-moment", "Previous key moment",
                        new KeyCodeCombination(KeyCode.F6, KeyCombination.SHIFT_DOWN), vm::previousKeyMoment),
                new SeparatorMenuItem(),
                item("menu-toggle-breakpoint", "Toggle breakpoint at next step",
                        new KeyCodeCombination(KeyCode.F8, KeyCombination.CONTROL_DOWN),
                        vm::toggleBreakpointAtNextStep));

        CheckMenuItem darkItem = new CheckMenuItem("Dark theme");
        darkItem.setId("menu-dark");
        darkItem.selectedProperty().bindBidirectional(dark);
        CheckMenuItem presentationItem = new CheckMenuItem("Presentation mode");
        presentationItem.setId("menu-presentation");
        presentationItem.setAccelerator(new KeyCodeCombination(KeyCode.F5));
        presentationItem.selectedProperty().bindBidirectional(presentation);
        Menu view = new Menu("View", null, darkItem, presentationItem);
        bar.getMenus().addAll(file, run, view);
    }

    MenuBar menuBar() {
        return bar;
    }

    /**
     * A qemu log with no base image beside it asks for one; cancelling refuses the log in one line instead of
     * replaying it on a guessed empty image, whose check would say "No errors" where the real image is corrupt. A
     * mirror's log with no job command beside it asks for the command's JSON file, and is refused without one.
     */
    void open(Path file) {
        recent.add(file);
        refreshRecent();
        Path base = null;
        if (wiring.needsBaseImage(file)) {
            Optional<Path> chosen = baseChooser.choose(file);
            if (chosen.isEmpty()) {
                vm.commandFailed(EngineWiring.noBaseImageChosen(file), false);
                return;
            }
            base = chosen.get();
        }
        Path job = null;
        if (wiring.needsJob(file)) {
            Optional<Path> chosen = jobChooser.choose(file);
            if (chosen.isEmpty()) {
                vm.commandFailed(EngineWiring.noJobChosen(file), false);
                return;
            }
            job = chosen.get();
        }
        TargetSource source = base == null && job == null ? wiring.file(file) : wiring.log(file, base, job);
        vm.open(file.getFileName().toString(), source);
    }

    void setBaseImageChooser(BaseImageChooser chooser) {
        baseChooser = chooser;
    }

    void setJobChooser(JobChooser chooser) {
        jobChooser = chooser;
    }

    private void chooseAndOpen() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open trace, qemu -T log or qcow2 image");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Traces, logs and images", "*.json", "*.log", "*.txt", "*.qcow2"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = chooser.showOpenDialog(window.get());
        if (f != null) {
            open(f.toPath());
        }
    }

    /** Writing a file is engine work: it runs on the worker, and a failure comes back as one line. */
    private void saveAs(String title, String pattern, Writer writer) {
        saveAs(title, List.of(pattern), writer);
    }

    private void saveAs(String title, List<String> patterns, Writer writer) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        for (String pattern : patterns) {
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(pattern, pattern));
        }
        File f = chooser.showSaveDialog(window.get());
        if (f == null) {
            return;
        }
        vm.session().query(title, target -> {
            try {
                writer.write(target, f.toPath());
                return "";
            } catch (TargetSource.OpenException e) {
                return e.getMessage();
            }
        }, error -> {
            if (!error.isEmpty()) {
                vm.commandFailed(error, true);
            } else {
                vm.showStatus("wrote " + f);
            }
        });
    }

    @FunctionalInterface
    private interface Writer {
        void write(dev.blockstep.engine.session.DebugTarget target, Path out) throws TargetSource.OpenException;
    }

    private void refreshRecent() {
        recentMenu.getItems().clear();
        for (Path p : recent.list()) {
            MenuItem mi = new MenuItem(p.toString());
            mi.setOnAction(e -> open(p));
            recentMenu.getItems().add(mi);
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private static MenuItem item(String id, String text, KeyCombination keys, Runnable action) {
        MenuItem mi = new MenuItem(text);
        mi.setId(id);
        if (keys != null) {
            mi.setAccelerator(keys);
        }
        mi.setOnAction(e -> action.run());
        return mi;
    }
}
