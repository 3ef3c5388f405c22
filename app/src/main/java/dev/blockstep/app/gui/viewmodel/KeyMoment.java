package dev.blockstep.app.gui.viewmodel;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A step a teacher stops at, told from the step's engine events and the snapshots on either side of it, never
 * from what a panel draws.
 *
 * @param step the step number after which the moment is visible (1 = after the first step)
 * @param kind what happened
 * @param text one sentence in the engine's names (W1, Z2)
 */
public record KeyMoment(int step, Kind kind, String text) {

    /** The kinds, in the order the race shows them. */
    public enum Kind {
        LOCK_DROP("lock drop"),
        SERIALISING_WAIT("serialising wait"),
        FREE("free"),
        RELINK("relink"),
        CHECK_ERROR("first check error");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** L2 entry bits 9..55: the host offset of a standard cluster. */
    private static final long L2_OFFSET_MASK = 0x00fffffffffffe00L;

    /**
     * The moments of the step that led from {@code before} to {@code after} (after.lastStep()), in kind order; empty
     * when it is an ordinary step. {@code before} may be null (the first step).
     */
    public static List<KeyMoment> of(Snapshot before, Snapshot after) {
        Step s = after.lastStep();
        if (s == null) {
            return List.of();
        }
        IntFunction<String> names = id -> after.coroutines().stream().filter(c -> c.id() == id).findFirst()
                .map(c -> c.name()).orElse("coroutine " + id);
        int at = after.step();
        List<KeyMoment> out = new ArrayList<>();
        for (EngineEvent e : s.events()) {
            if (e instanceof EngineEvent.LockDroppedForDataIo d) {
                out.add(new KeyMoment(at, Kind.LOCK_DROP, names.apply(d.coroutine())
                        + " drops s->lock for its data I/O at host 0x" + Long.toHexString(d.hostOffset())
                        + ": another request can now take the lock"));
            } else if (e instanceof EngineEvent.WaitSerialising w) {
                out.add(new KeyMoment(at, Kind.SERIALISING_WAIT, names.apply(w.coroutine())
                        + " waits for an overlapping request before it goes on (the serialising wait)"));
            } else if (e instanceof EngineEvent.RefcountChanged r && r.oldRefcount() > 0 && r.newRefcount() == 0) {
                out.add(new KeyMoment(at, Kind.FREE, names.apply(r.coroutine()) + " frees host cluster "
                        + r.hostCluster() + " (refcount " + r.oldRefcount() + " → 0)"));
            } else if (e instanceof EngineEvent.L2EntryWritten w && linksUnderCounted(after, w.newRaw())) {
                out.add(new KeyMoment(at, Kind.RELINK, names.apply(w.coroutine()) + " links guest cluster "
                        + w.guestCluster() + " to host 0x" + Long.toHexString(w.newRaw() & L2_OFFSET_MASK)
                        + ", a cluster whose refcount no longer counts it"));
            }
        }
        Optional<HostClusterRow> bad = firstBad(after);
        if (bad.isPresent() && (before == null || firstBad(before).isEmpty())) {
            HostClusterRow r = bad.get();
            out.add(new KeyMoment(at, Kind.CHECK_ERROR, "qemu-img check would now report cluster " + r.hostCluster()
                    + ": refcount=" + r.refcount() + " reference=" + r.references()));
        }
        return out;
    }

    private static boolean linksUnderCounted(Snapshot after, long raw) {
        long offset = raw & L2_OFFSET_MASK;
        if (offset == 0 || after.image() == null) {
            return false;
        }
        long cluster = offset / after.image().clusterSize();
        return after.image().hostClusters().stream()
                .anyMatch(h -> h.hostCluster() == cluster && (h.underCounted() || h.aliased()));
    }

    private static Optional<HostClusterRow> firstBad(Snapshot s) {
        return s.image() == null ? Optional.empty()
                : s.image().hostClusters().stream().filter(h -> h.underCounted() || h.aliased()).findFirst();
    }
}
