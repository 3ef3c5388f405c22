package dev.blockstep.app.gui.fx;

import dev.blockstep.engine.fix.FixVariant;
import javafx.scene.control.ChoiceBox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.HostClusterRow;
import java.util.List;
import java.util.concurrent.Callable;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Labeled;
import javafx.scene.input.KeyCode;
import javafx.scene.paint.Color;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Issue 14's classroom items on the real window: small screens, the guide, key moments, presentation, theme. */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class ClassroomWindowTest {

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    private static <T> T onFx(Callable<T> c) {
        return WindowFixture.onFx(c);
    }

    private void size(double w, double h) {
        fx.resize(w, h);
    }

    private void open(String sample) {
        fx.open(sample);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private SessionState press(FxRobot robot, KeyCode... keys) {
        return fx.press(robot, keys);
    }

    private static boolean inside(Bounds outer, Bounds inner) {
        return inner.getMinX() >= outer.getMinX() - 0.5 && inner.getMaxX() <= outer.getMaxX() + 0.5
                && inner.getMinY() >= outer.getMinY() - 0.5 && inner.getMaxY() <= outer.getMaxY() + 0.5;
    }

    private Bounds sceneBounds() {
        return onFx(() -> new javafx.geometry.BoundingBox(0, 0, fx.window.scene().getWidth(),
                fx.window.scene().getHeight()));
    }

    /** Every text the toolbar draws, as drawn: a Labeled whose text did not fit draws it cut, ending in "…". */
    private List<String> toolbarTexts(FxRobot robot) {
        Parent bar = robot.lookup("#debug-toolbar").queryAs(Parent.class);
        return onFx(() -> bar.lookupAll(".text").stream().filter(n -> n instanceof Text && n.isVisible())
                .map(n -> ((Text) n).getText()).toList());
    }

    private void assertShown(FxRobot robot, String id, double minWidth) {
        Node n = robot.lookup(id).query();
        Bounds b = onFx(() -> n.getScene() == null ? null : n.localToScene(n.getLayoutBounds()));
        assertTrue(b != null && onFx(n::isVisible), id + " is not on screen");
        assertTrue(b.getWidth() >= minWidth, id + " is " + b.getWidth() + " wide");
        assertTrue(inside(sceneBounds(), b), id + " at " + b + " is outside the window " + sceneBounds()
                + "; minimum widths: " + minWidths());
    }

    /** Which part of the window refuses to get narrower, for a failure message. */
    private String minWidths() {
        return onFx(() -> {
            javafx.scene.layout.BorderPane root = (javafx.scene.layout.BorderPane) fx.window.scene().getRoot();
            StringBuilder b = new StringBuilder("root " + root.minWidth(-1));
            for (Node n : List.of(root.getTop(), root.getCenter(), root.getBottom())) {
                b.append(", ").append(n.getClass().getSimpleName()).append(' ').append(n.minWidth(-1));
                if (n instanceof Parent p) {
                    for (Node c : p.getChildrenUnmodifiable()) {
                        b.append(" [").append(c.getId() == null ? c.getClass().getSimpleName() : c.getId())
                                .append(' ').append(c.minWidth(-1)).append(']');
                    }
                }
            }
            return b.toString();
        });
    }

    @Test
    void at1024x640TheKeyClusterAndEveryToolbarLabelAreWhole(FxRobot robot) {
        size(1024, 640);
        open("minimal-race");
        SessionState s = onFx(() -> fx.vm.session().state());
        for (int i = 0; i < 40 && (s.snapshot().image() == null || s.snapshot().image().hostClusters().stream()
                .noneMatch(HostClusterRow::underCounted)); i++) {
            s = press(robot, KeyCode.F8);
        }
        long key = s.snapshot().image().hostClusters().stream().filter(HostClusterRow::underCounted).findFirst()
                .orElseThrow(() -> new AssertionError("the race never under-counted a cluster")).hostCluster();
        WaitForAsyncUtils.waitForFxEvents();
        Bounds cell = onFx(() -> fx.window.refcountPanel().hostCellInScene(key).orElseThrow());
        Bounds map = onFx(() -> fx.window.refcountPanel().visibleMapInScene());
        assertTrue(inside(map, cell) && inside(sceneBounds(), cell),
                "host cluster " + key + " drawn at " + cell + ", the map shows " + map + "; " + minWidths());
        List<String> texts = toolbarTexts(robot);
        assertTrue(texts.stream().noneMatch(t -> t.contains("…")), texts.toString());
        assertShown(robot, "#time-slider", 100);
        assertShown(robot, "#step-label", 40);
    }

    @Test
    void at1024x640TheStep0GuideLeavesTheTimelineLanesOnScreen(FxRobot robot) {
        size(1024, 640);
        open("minimal-race");
        WindowFixture.until("the guide has the trace's title",
                () -> fx.window.guide().titleText().startsWith("minimal-race: an allocating write"));
        assertTrue(onFx(() -> fx.window.guide().showing()), "the guide is up at step 0");
        Node canvas = robot.lookup("#timeline-canvas").query();
        Bounds b = onFx(() -> canvas.localToScene(canvas.getLayoutBounds()));
        assertTrue(inside(sceneBounds(), b), "the timeline at " + b + " leaves the window " + sceneBounds());
        // minimal-race has two requests (W1, Z2); both lanes must show under the ruler beside the guide
        int fit = onFx(() -> fx.window.timelinePanel().lanesThatFit());
        assertTrue(fit >= 2, "the timeline has room for " + fit + " lanes (" + b.getHeight() + " px high)");
    }

    @Test
    void atTheDefaultSizeTheStep0GuideLeavesTheTimelineLegendWhole(FxRobot robot) {
        open("minimal-race");
        assertTrue(onFx(() -> fx.window.guide().showing()), "the guide is up at step 0");
        javafx.scene.layout.Region legend = robot.lookup("#timeline-legend").queryAs(javafx.scene.layout.Region.class);
        double[] shown = onFx(() -> new double[] {legend.getHeight(), legend.prefHeight(legend.getWidth()),
                fx.window.scene().getHeight()});
        assertTrue(shown[1] > 0 && shown[0] >= shown[1] - 0.5,
                "in a " + shown[2] + " px high window the legend shows " + shown[0] + " of " + shown[1] + " px");
    }

    @Test
    void at1024x768TheStep0GuideCutsNoLegendEntryInHalf(FxRobot robot) {
        size(1024, 768);
        open("minimal-race");
        assertTrue(onFx(() -> fx.window.guide().showing()), "the guide is up at step 0");
        assertLegendEntriesWholeAndTwoLanesShown(robot, "at 1024x768");
        robot.push(KeyCode.F5);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(onFx(() -> fx.window.presentation()));
        assertLegendEntriesWholeAndTwoLanesShown(robot, "in presentation mode at 1024x768");
    }

    private void assertLegendEntriesWholeAndTwoLanesShown(FxRobot robot, String where) {
        javafx.scene.layout.Region legend = robot.lookup("#timeline-legend").queryAs(javafx.scene.layout.Region.class);
        List<String> cut = new java.util.ArrayList<>();
        onFx(() -> {
            for (Node item : legend.getChildrenUnmodifiable()) {
                if (!item.isVisible()) {
                    continue;
                }
                Bounds b = item.getBoundsInParent();
                if (b.getMaxY() > legend.getHeight() + 0.5 || b.getMinY() < -0.5) {
                    cut.add(((javafx.scene.control.Labeled) item).getText() + " " + b.getMinY() + ".." + b.getMaxY()
                            + " in " + legend.getHeight() + " px");
                }
            }
            return null;
        });
        // whole legend rows give way (all of them if need be), the lanes never
        assertEquals(List.of(), cut, where + ": legend entries drawn past the legend's edge");
        assertTrue(onFx(() -> fx.window.timelinePanel().lanesThatFit()) >= 2, where + ": the lanes gave way");
        Node canvas = robot.lookup("#timeline-canvas").query();
        Bounds b = onFx(() -> canvas.localToScene(canvas.getLayoutBounds()));
        assertTrue(inside(sceneBounds(), b), where + ": the timeline at " + b + " leaves the window " + sceneBounds());
    }

    /**
     * A class at a 1024x768 projector, step 0, presentation mode: the sample's title and what to watch for, whole,
     * and beside them every lane of the run (the qemu-io loop, W1 and Z2) and the race's host cluster. The card
     * with its description used to leave the timeline the ruler and two lanes, so Z2 was off screen.
     */
    @Test
    void inPresentationAt1024x768Step0ShowsTheTitleWhatToWatchEveryLaneAndTheRaceCluster(FxRobot robot) {
        size(1024, 768);
        open("minimal-race");
        robot.push(KeyCode.F5);
        WindowFixture.until("the guide has the trace's title",
                () -> fx.window.guide().titleText().startsWith("minimal-race: an allocating write"));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(onFx(() -> fx.window.presentation() && fx.window.guide().showing()));
        for (String id : List.of("#guide-title", "#guide-watch")) {
            Labeled l = robot.lookup(id).queryAs(Labeled.class);
            String drawn = onFx(() -> l.lookupAll(".text").stream().filter(n -> n instanceof Text)
                    .map(n -> ((Text) n).getText()).findFirst().orElse(""));
            assertEquals(onFx(l::getText), drawn, id + " is drawn cut");
            assertShown(robot, id, 100);
        }
        int lanes = onFx(() -> fx.window.timelinePanel().model().lanes().size());
        assertEquals(3, lanes, "minimal-race's lanes: the qemu-io loop, W1 and Z2");
        int fit = onFx(() -> fx.window.timelinePanel().lanesThatFit());
        assertTrue(fit >= lanes, "the timeline has room for " + fit + " of its " + lanes + " lanes");
        // drawn inside the tab pane that shows it: a canvas kept at its minimum height but pushed past the pane's
        // bottom edge is cut there, whatever its own height says
        Node canvas = robot.lookup("#timeline-canvas").query();
        Node tabs = robot.lookup("#bottom-tabs").query();
        Bounds b = onFx(() -> canvas.localToScene(canvas.getLayoutBounds()));
        Bounds pane = onFx(() -> tabs.localToScene(tabs.getLayoutBounds()));
        assertTrue(inside(pane, b) && inside(sceneBounds(), pane), "the timeline canvas at " + b
                + " leaves its tab pane " + pane + " or the window " + sceneBounds());
        Bounds cell = onFx(() -> fx.window.refcountPanel().hostCellInScene(5).orElseThrow());
        Bounds map = onFx(() -> fx.window.refcountPanel().visibleMapInScene());
        assertTrue(inside(map, cell) && inside(sceneBounds(), cell), "host cluster 5 drawn at " + cell
                + ", the map shows " + map);
    }

    /** At the lock drop, in presentation mode on a projector, W1's state reads whole: "LOCK DROPPED, data I/O". */
    @Test
    void inPresentationAt1024x768TheCoroutinesTableCutsNoCell(FxRobot robot) {
        size(1024, 768);
        open("minimal-race");
        robot.push(KeyCode.F5);
        WaitForAsyncUtils.waitForFxEvents();
        press(robot, KeyCode.F6);
        Parent table = robot.lookup("#coroutines").queryAs(Parent.class);
        List<String> cut = onFx(() -> table.lookupAll(".table-cell").stream()
                .filter(n -> n.isVisible() && n instanceof Labeled l && l.getText() != null && !l.getText().isEmpty())
                .map(n -> (Labeled) n)
                .filter(l -> l.lookupAll(".text").stream().filter(t -> t instanceof Text)
                        .noneMatch(t -> ((Text) t).getText().equals(l.getText())))
                .map(l -> l.getText() + " (" + l.getWidth() + " px wide, needs " + l.prefWidth(-1) + ")").toList());
        List<String> shown = onFx(() -> table.lookupAll(".table-cell").stream()
                .filter(n -> n instanceof Labeled l && l.getText() != null).map(n -> ((Labeled) n).getText()).toList());
        assertTrue(shown.contains("LOCK DROPPED, data I/O"), "W1's state is in the table: " + shown);
        assertEquals(List.of(), cut, "coroutine cells drawn cut");
    }

    @Test
    void at800x500TheSliderAndTheStepCounterStay(FxRobot robot) {
        size(800, 500);
        open("minimal-race");
        assertShown(robot, "#time-slider", 60);
        assertShown(robot, "#step-label", 40);
        assertShown(robot, "#fix-variant", 40);
        assertShown(robot, "#next-moment", 10);
        List<String> texts = toolbarTexts(robot);
        assertTrue(texts.stream().noneMatch(t -> t.contains("…")), texts.toString());
    }

    @Test
    void presentationModeHasLargeTypeAndFitsA1024x768Projector(FxRobot robot) {
        size(1024, 768);
        open("minimal-race");
        double normal = onFx(() -> robot.lookup("#step-label").queryAs(Labeled.class).getFont().getSize());
        robot.push(KeyCode.F5);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(onFx(() -> fx.window.presentation()));
        double large = onFx(() -> robot.lookup("#step-label").queryAs(Labeled.class).getFont().getSize());
        assertTrue(large >= normal * 1.3, "font " + normal + " -> " + large);
        double row = onFx(() -> robot.lookup("#coroutines").queryAs(javafx.scene.control.TableView.class)
                .getFixedCellSize());
        assertTrue(row >= large * 1.6, "coroutine rows of " + row + " px cut " + large + " px type");
        for (String id : List.of("#coroutines", "#lock-owner", "#time-slider", "#step-label", "#fix-variant")) {
            assertShown(robot, id, 10);
        }
        assertTrue(onFx(() -> robot.lookup("#tracked-requests").tryQuery().map(Node::getScene).isEmpty()),
                "tracked requests step aside");
        List<String> texts = toolbarTexts(robot);
        assertTrue(texts.stream().noneMatch(t -> t.contains("…")), texts.toString());
        robot.push(KeyCode.F5);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(onFx(() -> fx.window.presentation()));
        assertTrue(onFx(() -> robot.lookup("#tracked-requests").query().getScene() != null));
    }

    @Test
    void atStep0TheGuideShowsTheSamplesTitleDescriptionAndWhatToWatch(FxRobot robot) {
        open("minimal-race");
        WindowFixture.until("the guide has the trace's title",
                () -> fx.window.guide().titleText().startsWith("minimal-race: an allocating write"));
        assertTrue(onFx(() -> fx.window.guide().showing()));
        assertTrue(fx.window.guide().watchText().contains("W1 drop s->lock"), fx.window.guide().watchText());
        press(robot, KeyCode.F8);
        assertFalse(onFx(() -> fx.window.guide().showing()), "the guide steps aside once the run moves");
        press(robot, KeyCode.SHIFT, KeyCode.F8);
        assertTrue(onFx(() -> fx.window.guide().showing()), "and is back at step 0");
    }

    @Test
    void f6VisitsTheKeyMomentsInOrderAndShiftF6GoesBack(FxRobot robot) {
        open("minimal-race");
        SessionState drop = press(robot, KeyCode.F6);
        assertTrue(drop.snapshot().lastStep().events().stream()
                .anyMatch(e -> e instanceof EngineEvent.LockDroppedForDataIo), drop.snapshot().lastStep().toString());
        String status = fx.vm.statusProperty().get();
        assertTrue(status.startsWith("Key moment at step " + drop.snapshot().step() + ": lock drop: W1 drops"), status);
        SessionState free = press(robot, KeyCode.F6);
        assertTrue(free.snapshot().lastStep().events().stream().anyMatch(e -> e instanceof EngineEvent.RefcountChanged r
                && r.newRefcount() == 0 && r.oldRefcount() > 0), free.snapshot().lastStep().toString());
        assertTrue(fx.vm.statusProperty().get().contains(": free: Z2 frees host cluster 5"),
                fx.vm.statusProperty().get());
        SessionState relink = press(robot, KeyCode.F6);
        String moment = fx.vm.statusProperty().get();
        assertTrue(moment.contains("relink: W1 links guest cluster 0") && moment.contains("first check error"), moment);
        assertTrue(relink.snapshot().image().hostClusters().stream().anyMatch(HostClusterRow::underCounted));
        press(robot, KeyCode.F6);
        assertTrue(fx.vm.statusProperty().get().startsWith("No further key moment"), fx.vm.statusProperty().get());
        assertTrue(fx.vm.finishedProperty().get());
        SessionState back = press(robot, KeyCode.SHIFT, KeyCode.F6);
        assertEquals(relink.snapshot().step(), back.snapshot().step());
        SessionState back2 = press(robot, KeyCode.SHIFT, KeyCode.F6);
        assertEquals(free.snapshot().step(), back2.snapshot().step());
    }

    @Test
    void theDarkThemeRepaintsTheRefcountMapAtOnceAndTheFixPickerSaysWhichVariantRuns(FxRobot robot) {
        open("minimal-race");
        Canvas canvas = robot.lookup("#refcount-map").queryAs(Canvas.class);
        double light = onFx(() -> corner(canvas).getBrightness());
        Platform.runLater(() -> fx.window.setDark(true));
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitForFxEvents();
        double dark = onFx(() -> corner(canvas).getBrightness());
        assertTrue(light > 0.8 && dark < 0.3, "canvas background " + light + " -> " + dark + " without a step");

        @SuppressWarnings("unchecked")
        ChoiceBox<FixVariant> fix = (ChoiceBox<FixVariant>) robot.lookup("#fix-variant").query();
        // the picker names the variant in words, so "off" cannot be mistaken for "on" by its colour
        assertEquals(FixVariant.NONE, fix.getValue());
        assertEquals("none", onFx(() -> ((Labeled) fix.lookup(".label")).getText()));
        Platform.runLater(() -> fix.setValue(FixVariant.PATCH));
        WindowFixture.until("the fix is on", () -> fx.vm.session().state().snapshot().fixOn());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("patch", onFx(() -> ((Labeled) fix.lookup(".label")).getText()));
    }

    private static Color corner(Canvas canvas) {
        javafx.scene.image.WritableImage img = canvas.snapshot(null, null);
        return img.getPixelReader().getColor((int) img.getWidth() - 3, (int) img.getHeight() - 3);
    }
}
