package dev.blockstep.engine.snapshot;

import dev.blockstep.engine.fix.FixVariant;
import java.util.List;

/**
 * Everything the debugger shows after a step. Immutable: the UI reads it on any thread.
 *
 * @param step         number of steps taken so far (0 = before the first step)
 * @param fix          the fix variant requests beginning now run under
 * @param lastStep     the step that produced this state, or null at step 0
 * @param stderr       every line the engine printed to stderr so far, as qemu would
 * @param finished     no coroutine can step and none is waiting
 * @param clusterAllocs qcow2's cluster_allocs, newest first: allocations decided but not yet linked
 */
public record Snapshot(int step, FixVariant fix, Step lastStep, List<CoroutineView> coroutines,
                       List<TrackedRequestView> trackedRequests, LockView lock, ImageView image,
                       List<String> stderr, boolean finished, List<ClusterAllocView> clusterAllocs) {
    public Snapshot {
        clusterAllocs = List.copyOf(clusterAllocs);
        coroutines = List.copyOf(coroutines);
        trackedRequests = List.copyOf(trackedRequests);
        stderr = List.copyOf(stderr);
    }

    /** Whether the variant in force gates anything (false only for none). */
    public boolean fixOn() {
        return fix.gatesAnything();
    }
}
