package dev.blockstep.app.gui.breakpoints;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * An immutable list of breakpoints, handed to the engine worker for a run. Evaluation needs the state
 * before and after a step so that conditions fire on becoming true.
 */
public record BreakpointSet(List<Breakpoint> breakpoints) {

    public static final BreakpointSet EMPTY = new BreakpointSet(List.of());

    public BreakpointSet {
        breakpoints = List.copyOf(breakpoints);
    }

    public BreakpointSet toggled(Breakpoint bp) {
        List<Breakpoint> next = new ArrayList<>(breakpoints);
        if (!next.removeIf(b -> b.samePlaceAs(bp))) {
            next.add(bp);
        }
        return new BreakpointSet(next);
    }

    public BreakpointSet withEnabled(int index, boolean on) {
        List<Breakpoint> next = new ArrayList<>(breakpoints);
        next.set(index, next.get(index).withEnabled(on));
        return new BreakpointSet(next);
    }

    public BreakpointSet without(int index) {
        List<Breakpoint> next = new ArrayList<>(breakpoints);
        next.remove(index);
        return new BreakpointSet(next);
    }

    /** Whether an enabled condition needs the state after every step (then a run cannot skip snapshots). */
    public boolean hasEnabledConditions() {
        return breakpoints.stream().anyMatch(b -> b.enabled() && b.kind().isCondition());
    }

    /**
     * The first enabled step-kind breakpoint that {@code step} hits; conditions are not looked at. {@code names}
     * gives a coroutine's engine name (W1, Z2) for the message.
     */
    public Optional<BreakpointHit> firstStepHit(Step step, IntFunction<String> names) {
        for (Breakpoint bp : breakpoints) {
            if (bp.enabled() && !bp.kind().isCondition()) {
                String reason = reason(bp, null, null, step, names);
                if (reason != null) {
                    return Optional.of(new BreakpointHit(bp, step.index() + 1, reason));
                }
            }
        }
        return Optional.empty();
    }

    /** The first enabled breakpoint the step from {@code before} to {@code after} hits. */
    public Optional<BreakpointHit> firstHit(Snapshot before, Snapshot after) {
        Step step = after.lastStep();
        if (step == null) {
            return Optional.empty();
        }
        for (Breakpoint bp : breakpoints) {
            if (!bp.enabled()) {
                continue;
            }
            String reason = reason(bp, before, after, step, names(after));
            if (reason != null) {
                return Optional.of(new BreakpointHit(bp, after.step(), reason));
            }
        }
        return Optional.empty();
    }

    /** The engine's names of the coroutines a snapshot shows; an id it does not know stays a number. */
    public static IntFunction<String> names(Snapshot snap) {
        return id -> snap.coroutines().stream().filter(c -> c.id() == id).map(CoroutineView::name).findFirst()
                .orElse("coroutine " + id);
    }

    private static String reason(Breakpoint bp, Snapshot before, Snapshot after, Step step,
                                 IntFunction<String> names) {
        return switch (bp.kind()) {
            case LOCK_DROP -> firstEvent(step, EngineEvent.LockDroppedForDataIo.class)
                    .map(e -> names.apply(e.coroutine()) + " dropped s->lock for data I/O at 0x"
                            + Long.toHexString(e.hostOffset()))
                    .orElse(null);
            case L2_WRITE -> firstEvent(step, EngineEvent.L2EntryWritten.class)
                    .map(e -> names.apply(e.coroutine()) + " wrote the L2 entry of guest cluster " + e.guestCluster()
                            + ": 0x"
                            + Long.toHexString(e.oldRaw()) + " -> 0x" + Long.toHexString(e.newRaw()))
                    .orElse(null);
            case REFCOUNT_ZERO -> step.events().stream()
                    .filter(e -> e instanceof EngineEvent.RefcountChanged r && r.newRefcount() == 0
                            && r.oldRefcount() != 0)
                    .map(e -> names.apply(((EngineEvent.RefcountChanged) e).coroutine()) + " dropped the refcount"
                            + " of host cluster " + ((EngineEvent.RefcountChanged) e).hostCluster() + " to 0")
                    .findFirst().orElse(null);
            case FREE_FAILURE -> firstEvent(step, EngineEvent.StderrLine.class)
                    .map(EngineEvent.StderrLine::line)
                    .orElse(null);
            case STEP_NAME -> step.name().equals(bp.stepName())
                    ? names.apply(step.coroutine()) + " reached " + step.name() : null;
            case REFCOUNT_BELOW_REFERENCES -> becameTrue(before, after, HostClusterRow::underCounted,
                    "refcount < references");
            case ANY_ALIASING -> becameTrue(before, after, HostClusterRow::aliased, "aliased");
        };
    }

    private static <E extends EngineEvent> Optional<E> firstEvent(Step step, Class<E> type) {
        return step.events().stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    private static String becameTrue(Snapshot before, Snapshot after,
                                     java.util.function.Predicate<HostClusterRow> test, String what) {
        Optional<HostClusterRow> now = after.image() == null ? Optional.empty()
                : after.image().hostClusters().stream().filter(test).findFirst();
        if (now.isEmpty()) {
            return null;
        }
        boolean already = before != null && before.image() != null
                && before.image().hostClusters().stream().anyMatch(test);
        if (already) {
            return null;
        }
        HostClusterRow row = now.get();
        return what + ": host cluster " + row.hostCluster() + " refcount=" + row.refcount()
                + " reference=" + row.references();
    }
}
