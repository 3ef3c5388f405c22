package dev.blockstep.app.gui.session;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.session.DebugTarget;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.List;

/**
 * Test double for session plumbing: walks a fixed list of hand-built snapshots. It is not an engine and the
 * shipped app never sees it; it lets the session's own logic (deltas, revisions, breakpoints) be tested.
 */
public final class ScriptedTarget implements DebugTarget {
    private final List<Snapshot> states;
    private int at;
    FixVariant fix = FixVariant.NONE;

    public ScriptedTarget(List<Snapshot> states) {
        this.states = states;
    }

    @Override
    public Snapshot current() {
        return states.get(at);
    }

    @Override
    public Snapshot step() {
        at = Math.min(at + 1, states.size() - 1);
        return current();
    }

    @Override
    public Snapshot stepCoroutine(int coroutineId) {
        return step();
    }

    @Override
    public Snapshot stepBack() {
        at = Math.max(0, at - 1);
        return current();
    }

    @Override
    public Snapshot goToStep(int n) {
        at = n;
        return current();
    }

    @Override
    public int historyLength() {
        return states.size() - 1;
    }

    @Override
    public int nextUnderPolicy() {
        return at < states.size() - 1 ? 1 : -1;
    }

    @Override
    public Snapshot setFix(FixVariant v) {
        fix = v;
        return current();
    }

    @Override
    public Snapshot restart() {
        at = 0;
        return current();
    }

    @Override
    public StepHistory steps() {
        return StepHistory.of(states.stream().skip(1).limit(at).map(Snapshot::lastStep).toList());
    }

    /** Not an engine: there is no image behind the hand-built snapshots, so an empty file stands in. */
    @Override
    public HostFile image() {
        return new HostFile();
    }
}
