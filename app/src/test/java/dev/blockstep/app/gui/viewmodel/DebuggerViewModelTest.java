package dev.blockstep.app.gui.viewmodel;

import dev.blockstep.engine.fix.FixVariant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.HandBuilt;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.LockView;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DebuggerViewModelTest {

    private final List<Runnable> engineWork = new ArrayList<>();
    /** Engine work is queued, not run, so the test sees what the view-model sends and when. */
    private final DebuggerViewModel vm = new DebuggerViewModel(engineWork::add, Runnable::run);

    private static Snapshot withFix(boolean fix) {
        return new Snapshot(3, FixVariant.of(fix), null, List.of(HandBuilt.co(1, "W1", CoState.WAITING_LOCK, "lock")), List.of(),
                new LockView(2, List.of(1), List.of()), null, List.of(), false, List.of());
    }

    private void arrive(Snapshot s) {
        vm.stateChanged(new dev.blockstep.app.gui.session.SessionState("t", s, dev.blockstep.engine.snapshot.StepHistory.EMPTY, 3, 1, 1,
                dev.blockstep.app.gui.breakpoints.BreakpointSet.EMPTY, 0, null,
                dev.blockstep.engine.snapshot.StepHistory.EMPTY));
    }

    @Test
    void anEngineStateWithAVariantSetsThePickerWithoutSendingACommandBack() {
        arrive(withFix(true));
        assertEquals(FixVariant.PATCH, vm.fixProperty().get());
        assertTrue(engineWork.isEmpty());
    }

    @Test
    void pickingAVariantSendsOneCommand() {
        arrive(withFix(false));
        vm.fixProperty().set(FixVariant.UNMAP_ONLY);
        assertEquals(1, engineWork.size());
    }

    @Test
    void steppingABlockedCoroutineSaysWhyInsteadOfSendingACommand() {
        arrive(withFix(false));
        vm.selectedCoroutineProperty().set(1);
        vm.stepSelected();
        assertTrue(engineWork.isEmpty());
        assertTrue(vm.statusProperty().get().startsWith("W1 cannot step"), vm.statusProperty().get());
    }

    @Test
    void nothingCanStepWhileBusy() {
        arrive(withFix(false));
        vm.busyChanged(true, "Resuming");
        assertFalse(vm.canStep().get());
        vm.step();
        assertTrue(engineWork.isEmpty());
    }

    @Test
    void aPanelFailureShowsABannerNamingThePanel() {
        vm.panelFailed("Timeline", new IllegalStateException("x"));
        assertTrue(vm.bannerProperty().get().startsWith("The Timeline view failed"));
    }
}
