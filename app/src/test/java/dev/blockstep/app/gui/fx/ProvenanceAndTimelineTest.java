package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.panels.TablesPanel;
import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.event.EngineEvent;
import javafx.geometry.Point2D;
import javafx.scene.control.TableRow;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Provenance, changed cells and the timeline's kept history on the default sample (minimal-race) on the real
 * engine: W1 drops s->lock, Z2 unmaps guest 0 and frees host cluster 5, W1 relinks guest 0 to it.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class ProvenanceAndTimelineTest {

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    @BeforeEach
    void openDefaultSample() {
        fx.openSample(EngineWiring.DEFAULT_SAMPLE);
    }

    private SessionState state() {
        return fx.state();
    }

    private SessionState resumeToEnd(FxRobot robot) {
        long before = state().stepRevision();
        robot.push(KeyCode.F9);
        fx.landed(before);
        WindowFixture.until("the run ends", () -> fx.vm.finishedProperty().get());
        return state();
    }

    private SessionState goTo(int step) {
        return fx.goTo(step);
    }

    private String provenanceText(FxRobot robot) {
        return robot.lookup("#provenance-text").queryLabeled().getText();
    }

    private void pickL2Row(FxRobot robot, long guest) {
        robot.clickOn(robot.lookup("#l2-table .table-row-cell").match(
                (TableRow<dev.blockstep.app.gui.panels.LiveRow<Long, TablesPanel.L2Item>> r) ->
                        r.getItem() != null && r.getItem().key() == guest).queryAs(TableRow.class));
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void pickingTheRacedL2EntryNamesTheRelinkAndAClickTravelsThere(FxRobot robot) {
        SessionState end = resumeToEnd(robot);
        pickL2Row(robot, 0);
        String text = provenanceText(robot);
        assertTrue(text.startsWith("L2 entry of guest cluster 0: last written at step "), text);
        assertTrue(text.contains(" by W1 in qcow2_cluster_link_l2"), text);
        int relink = fx.window.provenanceBar().model().lastWriteStepProperty().get();
        assertTrue(relink > 0 && relink < end.snapshot().step());
        long before = state().stepRevision();
        robot.clickOn("#provenance-go");
        SessionState at = fx.landed(before);
        assertEquals(relink, at.snapshot().step());
        assertTrue(at.snapshot().lastStep().events().stream().anyMatch(e -> e instanceof EngineEvent.L2EntryWritten w
                && w.guestCluster() == 0), "travelled to the write itself: " + at.snapshot().lastStep());
    }

    @Test
    void reverseContinueWalksBackFromTheEndToTheRelinkThenToTheZeroWritesUnmap(FxRobot robot) {
        resumeToEnd(robot);
        pickL2Row(robot, 0);
        int relink = fx.window.provenanceBar().model().lastWriteStepProperty().get();
        long before = state().stepRevision();
        robot.clickOn("#provenance-reverse");
        assertEquals(relink, fx.landed(before).snapshot().step(), "from the end, the previous write is the relink");
        before = state().stepRevision();
        robot.clickOn("#provenance-reverse");
        SessionState at = fx.landed(before);
        assertTrue(at.snapshot().step() < relink, "went back from the end past the relink to " + at.snapshot().step());
        assertTrue(provenanceText(robot).contains(" by Z2 in "), provenanceText(robot));
        assertEquals(at.snapshot().step(), fx.window.provenanceBar().model().lastWriteStepProperty().get(),
                "the cursor now stands right after that write");
    }

    @Test
    void clickingHostClusterFiveInTheMapTracesItsRefcountToTheZeroWrite(FxRobot robot) throws Exception {
        resumeToEnd(robot);
        Point2D centre = WaitForAsyncUtils.asyncFx(() -> fx.window.refcountPanel().hostCellCentre(5)).get();
        robot.clickOn(fx.window.refcountPanel().canvas().localToScreen(centre));
        WaitForAsyncUtils.waitForFxEvents();
        String text = provenanceText(robot);
        assertTrue(text.startsWith("refcount of host cluster 5: last written at step "), text);
        assertTrue(text.contains(" by Z2 in ") && text.endsWith("(1 -> 0)"), text);
    }

    @Test
    void atTheRelinkOnlyTheChangedCellsLightUpAndHideUnchangedKeepsOnlyThatRow(FxRobot robot) {
        resumeToEnd(robot);
        pickL2Row(robot, 0);
        goTo(fx.window.provenanceBar().model().lastWriteStepProperty().get());
        TablesPanel.L2Item guest0 = fx.window.tablesPanel().l2Items().stream()
                .filter(i -> i.row().guestCluster() == 0).findFirst().orElseThrow();
        assertTrue(guest0.changedCells().contains(TablesPanel.Column.HOST), guest0.changedCells().toString());
        java.util.Map<String, Boolean> lit = litCells(robot, 0);
        assertEquals(true, lit.get("Host"), "the relinked host cell is lit: " + lit);
        assertEquals(false, lit.get("Guest"), "the guest number did not change: " + lit);
        robot.clickOn("#hide-unchanged");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(java.util.List.of(0L), fx.window.tablesPanel().l2Items().stream()
                .map(i -> i.row().guestCluster()).toList());
    }

    /** For each column, whether the L2 table draws guest cluster {@code guest}'s cell as changed (:changed). */
    private static java.util.Map<String, Boolean> litCells(FxRobot robot, long guest) {
        WaitForAsyncUtils.waitForFxEvents();
        return WindowFixture.onFx(() -> {
            java.util.Map<String, Boolean> lit = new java.util.TreeMap<>();
            for (javafx.scene.Node n : robot.lookup("#l2-table .table-cell").queryAll()) {
                if (n instanceof javafx.scene.control.TableCell<?, ?> c && c.getTableRow() != null
                        && c.getTableRow().getItem() instanceof dev.blockstep.app.gui.panels.LiveRow<?, ?> r
                        && r.value() instanceof TablesPanel.L2Item i && i.row().guestCluster() == guest) {
                    lit.put(c.getTableColumn().getText(),
                            c.getPseudoClassStates().contains(dev.blockstep.app.gui.Styles.CHANGED));
                }
            }
            return lit;
        });
    }

    /**
     * At the free (Z2's write-zeroes with unmap turns guest 0 from zero-alloc at 0x50000 into a plain zero entry
     * and frees host cluster 5) the L2 row of guest 0 lights the cells that step changed.
     */
    @Test
    void atTheFreeTheZeroedL2EntryLightsItsChangedCells(FxRobot robot) {
        fx.press(robot, KeyCode.F6);
        SessionState free = fx.press(robot, KeyCode.F6);
        assertTrue(free.snapshot().lastStep().events().stream().anyMatch(e -> e instanceof EngineEvent.RefcountChanged r
                && r.newRefcount() == 0), "F6 twice stops at the free: " + free.snapshot().lastStep());
        assertTrue(free.snapshot().lastStep().events().stream().anyMatch(e -> e instanceof EngineEvent.L2EntryWritten w
                && w.guestCluster() == 0), "the free's step writes guest 0's L2 entry: " + free.snapshot().lastStep());
        java.util.Map<String, Boolean> lit = litCells(robot, 0);
        assertEquals(true, lit.get("Host"), "guest 0's host (0x50000 -> none) is lit: " + lit);
        assertEquals(true, lit.get("Type"), "guest 0's type (zero-alloc -> zero-plain) is lit: " + lit);
        assertEquals(false, lit.get("Guest"), lit.toString());
    }

    @Test
    void goingBackKeepsTheWholeStoryOnTheTimelineWithTheRaceFreeMarked(FxRobot robot) {
        SessionState end = resumeToEnd(robot);
        robot.clickOn("#tab-timeline");
        goTo(3);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(end.snapshot().step(), fx.window.timelinePanel().model().length(),
                "the timeline still covers every known step");
        assertTrue(fx.window.timelinePanel().model().hasRaceFree(), "Z2's free inside W1's race window is marked");
    }

    @Test
    void finishedLanesCollapseAtTheEndAndComeBackWhenUnchecked(FxRobot robot) throws Exception {
        resumeToEnd(robot);
        robot.clickOn("#tab-timeline");
        WaitForAsyncUtils.waitForFxEvents();
        int all = fx.window.timelinePanel().model().lanes().size();
        assertTrue(fx.window.timelinePanel().collapsedLanes() > 0, "at the end the requests are done");
        assertEquals(all, fx.window.timelinePanel().shownLanes().size() + fx.window.timelinePanel().collapsedLanes());
        robot.clickOn("#timeline-collapse");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(all, fx.window.timelinePanel().shownLanes().size());
        javafx.scene.layout.Region legend = robot.lookup("#timeline-legend").queryAs(javafx.scene.layout.Region.class);
        double[] shown = WaitForAsyncUtils.asyncFx(() -> new double[] {legend.getHeight(),
                legend.prefHeight(legend.getWidth())}).get();
        assertTrue(shown[1] > 0 && shown[0] >= shown[1] - 0.5,
                "at the default size the legend shows whole: " + shown[0] + " of " + shown[1] + " px");
    }
}
