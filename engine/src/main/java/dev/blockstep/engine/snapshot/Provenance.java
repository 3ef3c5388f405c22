package dev.blockstep.engine.snapshot;

import dev.blockstep.engine.event.EngineEvent;
import java.util.List;
import java.util.Optional;

/**
 * Where a value came from (Pernosco's question): which step last wrote an L2 entry, a refcount or a host
 * cluster's bytes, read from the steps' own events and declared touches, never from step names. Step numbers
 * are the debugger's: step N is the step with index N - 1, and position N is the state right after it.
 */
public final class Provenance {

    private Provenance() {
    }

    /** A value the debugger shows whose writes can be traced. */
    public sealed interface Value {
        /** One-line name for messages, e.g. "L2 entry of guest cluster 0". */
        String describe();
    }

    /** The L2 entry that maps one guest cluster. */
    public record GuestL2(long guestCluster) implements Value {
        @Override
        public String describe() {
            return "L2 entry of guest cluster " + guestCluster;
        }
    }

    /** The on-disk refcount of one host cluster. */
    public record HostRefcount(long hostCluster) implements Value {
        @Override
        public String describe() {
            return "refcount of host cluster " + hostCluster;
        }
    }

    /** The bytes of one host cluster (guest data, or a metadata table as stored). */
    public record HostBytes(long hostCluster) implements Value {
        @Override
        public String describe() {
            return "host cluster " + hostCluster;
        }
    }

    /**
     * One write of a value.
     *
     * @param step      the debugger's step number (index + 1): travelling to it shows the value just written
     * @param coroutine the coroutine that took the step
     * @param stepName  the engine's name of the step, e.g. "qcow2_cluster_link_l2"
     * @param change    what changed, e.g. "0x0 -> 0x80000000050000", or empty when the step does not say
     */
    public record Write(int step, int coroutine, String stepName, String change) {
    }

    /** The latest write at or before {@code position} (the state after step {@code position}), if any. */
    public static Optional<Write> lastWrite(List<Step> steps, Value v, int position) {
        return latestBelow(steps, v, Math.min(position, steps.size()));
    }

    /**
     * The latest write strictly before {@code position}: where reverse-continue goes. From the state right
     * after a write it goes to the write before that one, so pressing it again walks back through them all.
     */
    public static Optional<Write> previousWrite(List<Step> steps, Value v, int position) {
        return latestBelow(steps, v, Math.min(position - 1, steps.size()));
    }

    /** The latest write among the first {@code n} steps. */
    private static Optional<Write> latestBelow(List<Step> steps, Value v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            Step s = steps.get(i);
            String change = change(s, v);
            if (change != null) {
                return Optional.of(new Write(i + 1, s.coroutine(), s.name(), change));
            }
        }
        return Optional.empty();
    }

    /** What {@code s} did to {@code v}, or null when it did not write it. */
    static String change(Step s, Value v) {
        if (v instanceof HostBytes h) {
            for (Touch t : s.touches()) {
                if (t.write() && t.resource() instanceof Resource.HostCluster c && c.index() == h.hostCluster()) {
                    return bytesChange(s);
                }
            }
            return null;
        }
        for (EngineEvent e : s.events()) {
            if (v instanceof GuestL2 g && e instanceof EngineEvent.L2EntryWritten w
                    && w.guestCluster() == g.guestCluster()) {
                return "0x" + Long.toHexString(w.oldRaw()) + " -> 0x" + Long.toHexString(w.newRaw());
            }
            if (v instanceof HostRefcount h && e instanceof EngineEvent.RefcountChanged r
                    && r.hostCluster() == h.hostCluster()) {
                return r.oldRefcount() + " -> " + r.newRefcount();
            }
        }
        return null;
    }

    private static String bytesChange(Step s) {
        for (EngineEvent e : s.events()) {
            if (e instanceof EngineEvent.HolePunched) {
                return "punched";
            }
            if (e instanceof EngineEvent.DataIoCompleted) {
                return "data landed";
            }
        }
        return "written";
    }
}
