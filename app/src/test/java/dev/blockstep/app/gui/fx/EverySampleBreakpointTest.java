package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.app.gui.breakpoints.Breakpoint;
import dev.blockstep.app.gui.breakpoints.BreakpointFilter;
import dev.blockstep.app.gui.breakpoints.BreakpointKind;
import dev.blockstep.app.gui.breakpoints.BreakpointSet;
import dev.blockstep.app.gui.panels.LiveRow;
import dev.blockstep.app.gui.panels.TablesPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.samples.Samples;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableRow;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Every shipped sample at the default 1600x1000, not only minimal-race: a conditional breakpoint (an L2 write by
 * the coroutine that writes L2 first) stops at that coroutine's first L2 write and, on F9 again, at its second,
 * counting its hits; picking the L2 entry that write set and clicking "Go to step" lands on the step that last
 * wrote it; and the toolbar and the provenance bar draw no text cut. Where it should stop is read from the run's
 * own steps (the engine's events), so the test checks the window against the engine, not against numbers.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class EverySampleBreakpointTest {

    /** Longer recordings take minutes to run twice under load; EverySampleWalkTest opens them all. */
    private static final int RUN_BELOW = 2000;

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage, new javafx.geometry.Dimension2D(1600, 1000));
    }

    @Test
    void everySampleStopsOnItsConditionalBreakpointAndTravelsToTheWritingStep(FxRobot robot) throws Exception {
        List<String> wrong = new ArrayList<>();
        int walked = 0;
        for (String name : Samples.NAMES) {
            if (Samples.open(name).schedule().size() < RUN_BELOW) {
                walk(robot, name, wrong);
                walked++;
            }
        }
        assertEquals(List.of(), wrong, walked + " samples walked");
    }

    private static boolean writesL2(Step s) {
        return s.events().stream().anyMatch(e -> e instanceof EngineEvent.L2EntryWritten);
    }

    private void walk(FxRobot robot, String name, List<String> wrong) {
        fx.open(name);
        setBreakpoints(BreakpointSet.EMPTY);
        SessionState end = fx.resumeToEnd();
        List<Step> steps = end.steps();
        Step first = steps.stream().filter(EverySampleBreakpointTest::writesL2).findFirst().orElse(null);
        if (first == null) {
            wrong.add(name + ": its run writes no L2 entry");
            return;
        }
        String writer = BreakpointSet.names(end.snapshot()).apply(first.coroutine());
        List<Step> writes = steps.stream().filter(s -> writesL2(s) && s.coroutine() == first.coroutine()).toList();
        long guest = first.events().stream().filter(e -> e instanceof EngineEvent.L2EntryWritten)
                .mapToLong(e -> ((EngineEvent.L2EntryWritten) e).guestCluster()).findFirst().orElseThrow();
        Step lastOfGuest = steps.stream().filter(s -> s.events().stream().anyMatch(e ->
                e instanceof EngineEvent.L2EntryWritten w && w.guestCluster() == guest)).reduce((a, b) -> b).orElseThrow();

        // provenance at the end: the L2 entry's last write, and a click that travels there
        pickL2Row(robot, guest);
        long before = fx.state().stepRevision();
        robot.clickOn("#provenance-go");
        SessionState at = fx.landed(before);
        if (at.snapshot().lastStep() == null || at.snapshot().lastStep().index() != lastOfGuest.index()) {
            wrong.add(name + ": Go to step for guest " + guest + " landed after " + at.snapshot().lastStep()
                    + ", the last write of it is " + lastOfGuest);
        }
        WaitForAsyncUtils.waitForFxEvents();
        List<String> cut = cut("#debug-toolbar");
        cut.addAll(cut("#provenance-bar"));
        if (!cut.isEmpty()) {
            wrong.add(name + ": drawn cut at 1600x1000: " + cut);
        }

        // a conditional breakpoint with its hit count, from step 0
        fx.command(fx.vm::restart);
        Breakpoint bp = Breakpoint.on(BreakpointKind.L2_WRITE).where(new BreakpointFilter(writer, null, -1, -1, null));
        setBreakpoints(BreakpointSet.EMPTY.toggled(bp));
        for (int hit = 1; hit <= Math.min(2, writes.size()); hit++) {
            SessionState s = fx.press(robot, KeyCode.F9);
            WindowFixture.until("the resume stops", () -> !fx.vm.busyProperty().get());
            s = fx.state();
            Step stopped = s.snapshot().lastStep();
            int hits = s.breakpoints().breakpoints().get(0).hits();
            if (s.lastHit() == null || stopped == null || stopped.index() != writes.get(hit - 1).index()
                    || hits != hit) {
                wrong.add(name + ": F9 #" + hit + " with an L2-write breakpoint on " + writer + " stopped after "
                        + stopped + " with " + hits + " hits; expected " + writes.get(hit - 1));
                break;
            }
        }
        setBreakpoints(BreakpointSet.EMPTY);
    }

    private void setBreakpoints(BreakpointSet set) {
        WindowFixture.onFx(() -> {
            fx.vm.session().setBreakpoints(set);
            return null;
        });
    }

    private void pickL2Row(FxRobot robot, long guest) {
        Node row = robot.lookup("#l2-table .table-row-cell").match((TableRow<LiveRow<Long, TablesPanel.L2Item>> r) ->
                r.getItem() != null && r.getItem().key() == guest).query();
        WindowFixture.onFx(() -> {
            ((TableRow<?>) row).getTableView().scrollTo(((TableRow<?>) row).getIndex());
            return null;
        });
        robot.clickOn(row);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The labels under {@code id} drawn shortened to end in an ellipsis (a label whose text just changed and is
     * drawn at its next layout is not cut). */
    private static List<String> cut(String id) {
        return WindowFixture.onFx(() -> {
            Parent root = (Parent) javafx.stage.Window.getWindows().stream().map(w -> w.getScene().lookup(id))
                    .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
            List<String> out = new ArrayList<>();
            for (Node n : root.lookupAll(".text")) {
                if (n instanceof Text t && n.getParent() instanceof Labeled l && l.isVisible() && t.isVisible()
                        && l.getText() != null && !l.getText().isEmpty() && !t.getText().equals(l.getText())
                        && (t.getText().endsWith("…") || t.getText().endsWith("..."))) {
                    out.add(l.getText() + " as \"" + t.getText() + "\"");
                }
            }
            return out;
        });
    }
}
