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
import java.util.function.Predicate;

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

    /** The same list with {@code hit}'s breakpoint counted once more. */
    public BreakpointSet counted(Breakpoint hit) {
        List<Breakpoint> next = new ArrayList<>(breakpoints);
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).samePlaceAs(hit)) {
                next.set(i, next.get(i).hitOnceMore());
                break;
            }
        }
        return new BreakpointSet(next);
    }

    /**
     * Whether an enabled breakpoint needs the state after every step (a condition, or a filter that asks for
     * coroutine names, requests or the cluster size): then a run cannot skip snapshots.
     */
    public boolean hasEnabledConditions() {
        return breakpoints.stream().anyMatch(b -> b.enabled() && (b.kind().isCondition() || !b.filter().isEmpty()));
    }

    /**
     * The first enabled step-kind breakpoint without conditions that {@code step} hits; {@code names} gives the
     * engine's coroutine names for the message.
     */
    public Optional<BreakpointHit> firstStepHit(Step step, IntFunction<String> names) {
        for (Breakpoint bp : breakpoints) {
            if (bp.enabled() && !bp.kind().isCondition() && bp.filter().isEmpty()) {
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
            if (!bp.enabled() || !bp.filter().matches(step, after, bp.kind().isCondition())) {
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
                .orElse("co " + id);
    }

    private static String reason(Breakpoint bp, Snapshot before, Snapshot after, Step step,
                                 IntFunction<String> names) {
        String who = names.apply(step.coroutine());
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
                    .map(e -> names.apply(e.coroutine()) + " took the refcount of host cluster "
                            + ((EngineEvent.RefcountChanged) e).hostCluster() + " to 0")
                    .findFirst().orElse(null);
            case FREE_FAILURE -> firstEvent(step, EngineEvent.StderrLine.class)
                    .map(EngineEvent.StderrLine::line)
                    .orElse(null);
            case STEP_NAME -> step.name().equals(bp.stepName()) ? who + " in " + step.name() : null;
            case ANY_STEP -> who + " in " + step.name() + (bp.filter().isEmpty() ? "" : " (" + bp.filter().describe() + ")");
            case REFCOUNT_BELOW_REFERENCES -> becameTrue(before, after, inFilter(bp, HostClusterRow::underCounted),
                    "refcount < references", who + " in " + step.name());
            case ANY_ALIASING -> becameTrue(before, after, inFilter(bp, HostClusterRow::aliased), "aliased",
                    who + " in " + step.name());
        };
    }

    private static <E extends EngineEvent> Optional<E> firstEvent(Step step, Class<E> type) {
        return step.events().stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** A condition on one host cluster when the filter names one. */
    private static Predicate<HostClusterRow> inFilter(Breakpoint bp, Predicate<HostClusterRow> test) {
        long h = bp.filter().hostCluster();
        return h < 0 ? test : test.and(r -> r.hostCluster() == h);
    }

    private static String becameTrue(Snapshot before, Snapshot after, Predicate<HostClusterRow> test, String what,
                                     String by) {
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
                + " reference=" + row.references() + ", after " + by;
    }
}
