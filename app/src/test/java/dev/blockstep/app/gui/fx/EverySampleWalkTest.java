package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.blockstep.app.gui.fx.WindowFixture.onFx;

import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.viewmodel.Guide;
import dev.blockstep.samples.Samples;
import dev.blockstep.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A teacher's walk through every shipped sample on a 1024x768 projector in presentation mode: open it, read the
 * guide (the recording's own title, and what to watch for written for that sample, both drawn whole), go to the
 * next key moment and back, export the run as SVG, and for the runs a class steps through, run to the end and
 * read the Check tab, which must say what the recording says qemu-img check says.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class EverySampleWalkTest {

    /** Runs longer than this are not run to their end here (the two 5000-command mixes). */
    private static final int RUN_TO_END_BELOW = 2000;
    private static final Pattern CHECK_ERROR = Pattern.compile("ERROR cluster \\d+ refcount=\\d+ reference=\\d+");

    private WindowFixture fx;
    private Stage stage;

    @TempDir
    Path dir;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        fx = new WindowFixture(stage);
    }

    @Test
    void everySampleOpensGuidesStepsExportsAndChecksAsItsRecordingSays(FxRobot robot) throws Exception {
        onFx(() -> {
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(1024);
            stage.setHeight(768);
            return null;
        });
        WindowFixture.until("the window is 1024x768", () -> Math.abs(fx.window.scene().getHeight() - 768) < 1);
        Platform.runLater(() -> fx.window.setPresentation(true));
        String generic = Guide.of("not-a-sample", null, null).watch();
        List<String> wrong = new ArrayList<>();
        for (String name : Samples.NAMES) {
            Trace trace = Samples.open(name);
            walk(robot, name, trace, generic, wrong);
        }
        assertEquals(List.of(), wrong, "what a teacher would find wrong");
    }

    private void walk(FxRobot robot, String name, Trace trace, String generic, List<String> wrong) throws Exception {
        long before = onFx(() -> fx.vm.session().openRevision());
        Platform.runLater(() -> fx.vm.open(name, fx.wiring.sample(name)));
        WindowFixture.until(name + " is loaded", () -> fx.vm.session().openRevision() > before
                && !fx.vm.busyProperty().get());
        String title = trace.metadata().title();
        WindowFixture.until(name + "'s guide has its title", () -> fx.window.guide().titleText().equals(title));
        if (!onFx(() -> fx.window.guide().showing())) {
            wrong.add(name + ": no guide at step 0");
        }
        String watch = fx.window.guide().watchText();
        if (watch.equals(generic)) {
            wrong.add(name + ": the guide's what-to-watch is the generic one");
        }
        for (String id : List.of("#guide-title", "#guide-watch")) {
            if (!drawnWhole(robot, id)) {
                wrong.add(name + ": " + id + " is cut");
            }
        }
        if (!onFx(() -> fx.vm.bannerProperty().get()).isEmpty()) {
            wrong.add(name + ": " + fx.vm.bannerProperty().get());
        }

        SessionState moment = fx.press(robot, KeyCode.F6);
        String status = fx.vm.statusProperty().get();
        if (!status.startsWith("Key moment at step " + moment.snapshot().step())
                && !status.startsWith("No further key moment")) {
            wrong.add(name + ": F6 said " + status);
        }
        if (moment.snapshot().step() > 0) {
            SessionState back = fx.press(robot, KeyCode.SHIFT, KeyCode.F6);
            if (back.snapshot().step() >= moment.snapshot().step()) {
                wrong.add(name + ": Shift+F6 from step " + moment.snapshot().step() + " went to "
                        + back.snapshot().step());
            }
        }

        Path svg = dir.resolve(name + ".svg");
        String exportError = export(svg);
        if (!exportError.isEmpty()) {
            wrong.add(name + ": export failed: " + exportError);
        } else if (!Files.readString(svg).contains("<svg")) {
            wrong.add(name + ": the export is not an SVG document");
        }

        if (trace.schedule().size() < RUN_TO_END_BELOW) {
            fx.resumeToEnd();
            WindowFixture.until(name + " is checked", () -> !fx.window.checkPanel().reportText().isEmpty());
            String verdict = onFx(() -> fx.window.checkPanel().verdictText());
            String report = onFx(() -> fx.window.checkPanel().reportText());
            String said = trace.metadata().description();
            Matcher error = CHECK_ERROR.matcher(said);
            if (error.find()) {
                if (!verdict.contains("CORRUPT") || !report.contains(error.group())) {
                    wrong.add(name + ": the recording says " + error.group() + ", the Check tab says " + verdict);
                }
            } else if (said.contains("No errors were found") && !verdict.endsWith("no errors")) {
                wrong.add(name + ": the recording says no errors, the Check tab says " + verdict);
            }
        }
        if (!onFx(() -> fx.vm.bannerProperty().get()).isEmpty()) {
            wrong.add(name + ": " + fx.vm.bannerProperty().get());
        }
    }

    /** Writes the run as File → Export sequence diagram does, on the engine worker; "" or the error. */
    private String export(Path out) {
        java.util.concurrent.atomic.AtomicReference<String> result = new java.util.concurrent.atomic.AtomicReference<>();
        Platform.runLater(() -> fx.vm.session().query("Export", target -> {
            try {
                fx.wiring.exportDiagram(target, out, fx.vm.titleProperty().get());
                return "";
            } catch (Exception e) {
                return String.valueOf(e.getMessage());
            }
        }, result::set));
        WindowFixture.until("the export is written", () -> result.get() != null);
        return result.get();
    }

    /** The label's text drawn as it is, not cut to end in "…", and on the window. */
    private boolean drawnWhole(FxRobot robot, String id) {
        Labeled l = robot.lookup(id).queryAs(Labeled.class);
        return onFx(() -> {
            String drawn = l.lookupAll(".text").stream().filter(n -> n instanceof Text)
                    .map(n -> ((Text) n).getText()).findFirst().orElse("");
            Bounds b = l.localToScene(l.getLayoutBounds());
            Node root = l.getScene().getRoot();
            return drawn.equals(l.getText()) && b.getMaxY() <= root.getLayoutBounds().getHeight() + 0.5
                    && b.getMaxX() <= root.getLayoutBounds().getWidth() + 0.5;
        });
    }
}
