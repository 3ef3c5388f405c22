package dev.blockstep.engine.race;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Step;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The race's mechanism, read from the event stream: a write decides where a guest cluster's data goes
 * (qcow2_alloc_host_offset, lock held), drops s->lock, and later acts on that decision; if meanwhile another
 * request rewrites that cluster's L2 entry, the decision is stale. With BDRV_REQ_SERIALISING on every discard
 * and write-zeroes, and with cluster_allocs dependency waits between writes, this must never happen.
 */
final class StaleDecisions {
    private StaleDecisions() {
    }

    /** The first L2 write that lands inside another coroutine's open decision on the same cluster, described. */
    static Optional<String> first(List<Step> steps, long clusterSize) {
        // guest cluster -> coroutine holding an open decision on it
        Map<Long, Integer> open = new HashMap<>();
        for (Step s : steps) {
            for (EngineEvent ev : s.events()) {
                if (ev instanceof EngineEvent.HostOffsetChosen h) {
                    long first = Math.floorDiv(h.guestOffset(), clusterSize);
                    long last = Math.floorDiv(h.guestOffset() + h.bytes() - 1, clusterSize);
                    for (long c = first; c <= last; c++) {
                        open.put(c, h.coroutine());
                    }
                } else if (ev instanceof EngineEvent.L2EntryWritten l) {
                    Integer holder = open.get(l.guestCluster());
                    if (holder != null && holder != l.coroutine()) {
                        return Optional.of("step " + s.index() + " (" + s.name() + ") of coroutine " + l.coroutine()
                                + " rewrites the L2 entry of guest cluster " + l.guestCluster()
                                + " while coroutine " + holder + " holds an allocation decision on it");
                    }
                    if (holder != null) {
                        open.remove(l.guestCluster());
                    }
                } else if (ev instanceof EngineEvent.RequestFinished f) {
                    open.values().removeIf(co -> co == f.coroutine());
                }
            }
        }
        return Optional.empty();
    }
}
