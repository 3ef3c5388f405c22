package dev.blockstep.app.gui.viewmodel;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Step;
import java.util.Optional;

/**
 * Recognises the race's teaching moments in the event stream, in order: a lock drop for data I/O, then a
 * refcount of another coroutine's making reaching 0, then an L2 write by the coroutine that dropped the lock.
 * The check moment is the end of the run and is not an event.
 */
public final class TeachingMomentDetector {

    private int dropper = -1;
    private boolean freed;
    private boolean relinked;

    /** Feeds one step (in order) and says which moment it is, if any. */
    public Optional<TeachingMoment> feed(Step step) {
        for (EngineEvent e : step.events()) {
            if (dropper < 0 && e instanceof EngineEvent.LockDroppedForDataIo d) {
                dropper = d.coroutine();
                return Optional.of(TeachingMoment.LOCK_DROPPED);
            }
            if (dropper >= 0 && !freed && e instanceof EngineEvent.RefcountChanged r && r.coroutine() != dropper
                    && r.newRefcount() == 0 && r.oldRefcount() > 0) {
                freed = true;
                return Optional.of(TeachingMoment.CLUSTER_FREED);
            }
            if (freed && !relinked && e instanceof EngineEvent.L2EntryWritten w && w.coroutine() == dropper) {
                relinked = true;
                return Optional.of(TeachingMoment.WRITER_RELINKS);
            }
        }
        return Optional.empty();
    }
}
