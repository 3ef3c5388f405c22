package dev.blockstep.engine.session;

import dev.blockstep.engine.check.OpenRepair;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.StepHistory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The engine's one command surface for a debugger. Every call is deterministic and returns the
 * immutable snapshot it produced; views never reach past the snapshot into engine internals.
 *
 * <p>Calls are cheap except {@link #goToStep} on long histories, which replays from the nearest
 * checkpoint; callers on a UI thread run it in the background.
 */
public interface DebugTarget {

    /** The state after the current step. */
    Snapshot current();

    /** What qemu's read-write open repaired in the user's dirty image before step 0, or null (nothing, or none). */
    default OpenRepair openRepair() {
        return null;
    }

    /** Steps the coroutine the scheduling policy picks. No-op when nothing can step. */
    Snapshot step();

    /**
     * Takes up to {@code n} steps under the policy and returns the state after the last; a debugger running
     * ahead needs no snapshot per step. The default steps one by one; an engine may do better.
     */
    default Snapshot run(int n) {
        Snapshot s = current();
        for (int i = 0; i < n && !s.finished(); i++) {
            Snapshot next = step();
            if (next.step() == s.step()) {
                break;
            }
            s = next;
        }
        return s;
    }

    /** Steps one chosen coroutine; it must be able to step. */
    Snapshot stepCoroutine(int coroutineId);

    /** Goes one step back in history (nothing is undone by hand: an older snapshot is restored). */
    Snapshot stepBack();

    /** Jumps to step n of the known history (0 .. historyLength()). */
    Snapshot goToStep(int n);

    /**
     * Steps known so far: steps already taken, plus the rest of a recorded schedule that is being followed.
     * Taking a different step than the recorded one after going back drops the recorded future.
     */
    int historyLength();

    /**
     * The coroutines {@link #stepCoroutine} accepts now, ascending. Fewer than those whose state can step when
     * qemu owes the CPU to one (just woken or spawned). The default reads the states; an engine knows better.
     */
    default java.util.List<Integer> runnable() {
        return current().coroutines().stream().filter(c -> c.state().canStep())
                .map(dev.blockstep.engine.snapshot.CoroutineView::id).toList();
    }

    /** The coroutine the policy would step next, or -1. */
    int nextUnderPolicy();

    /** Sets the fix variant at the current step; requests that begin afterwards run under it. */
    Snapshot setFix(FixVariant v);

    /**
     * Back to step 0 with the fix as the workload started. A target opened on a recorded run (a trace) has that
     * recording ahead again, whatever was stepped differently since.
     */
    Snapshot restart();

    /** Every step taken up to the current one, oldest first; immutable, so it may be handed to any thread. */
    StepHistory steps();

    /**
     * Every step taken so far, including those past the current one after going back: the whole known story,
     * which a timeline keeps drawing. Immutable; {@link #steps()} is a prefix of it.
     */
    default StepHistory knownSteps() {
        return steps();
    }

    /**
     * The bytes of the image the guest writes at the current step (after a job's pivot, its target): a copy-on-write
     * copy the caller owns (cheap to take).
     */
    HostFile image();

    /** Writes the image at the current step as a qcow2 file; the target itself is not changed. */
    default void exportImage(Path out) throws IOException {
        image().save(out);
    }
}
