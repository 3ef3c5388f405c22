package dev.blockstep.app.gui.fx;

import static dev.blockstep.app.gui.HandBuilt.CS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.HandBuilt;
import dev.blockstep.app.gui.breakpoints.BreakpointSet;
import dev.blockstep.app.gui.panels.RefcountPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.snapshot.ClusterAllocView;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.LockView;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.List;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The refcount map's in-flight writes come from the snapshot's cluster_allocs. The states are hand-built and
 * carry no steps at all, so a panel that looked for the allocation in the event history would find none.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class RefcountPanelReadsClusterAllocsTest {

    private RefcountPanel panel;

    @Start
    void start(Stage stage) {
        panel = new RefcountPanel();
        stage.setScene(new Scene(new javafx.scene.layout.StackPane(panel.node()), 800, 600));
        stage.show();
    }

    /** Host cluster 5 is referenced by guest 0 with refcount 0 (z1 freed it); W1's allocation may still hold it. */
    private static SessionState state(List<ClusterAllocView> allocs) {
        Snapshot s = new Snapshot(12, FixVariant.NONE, null, List.of(HandBuilt.co(1, "W1", CoState.RUNNABLE, "link_l2")),
                List.of(), new LockView(-1, List.of(), List.of(1)),
                HandBuilt.image(List.of(HandBuilt.l2(0, 5 * CS)), HandBuilt.data(5, 0, 0L)), List.of(), false, allocs);
        return new SessionState("hand-built", s, StepHistory.EMPTY, 12, 1, 1, BreakpointSet.EMPTY, 0, null, StepHistory.EMPTY);
    }

    private List<String> shown(SessionState state) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> {
            panel.stepDidChange(state);
            return panel.flaggedLines();
        }).get();
    }

    @Test
    void aClusterHeldByAnInFlightAllocationButFreedIsFlaggedWithItsWriter() throws Exception {
        List<String> lines = shown(state(List.of(new ClusterAllocView(1, 0, 5 * CS, CS, false, true))));
        assertEquals("FREED host cluster 5 while W1 still holds it for an in-flight write", lines.get(0), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ERROR cluster 5 refcount=0 reference=1")), lines.toString());
    }

    @Test
    void withoutAnAllocationInTheSnapshotNothingIsHeld() throws Exception {
        List<String> lines = shown(state(List.of()));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("FREED")), lines.toString());
    }
}
