package dev.blockstep.engine.snapshot;

/**
 * A BdrvTrackedRequest on the qcow2 node.
 *
 * @param waitingFor id of the tracked request this one waits for, or -1
 */
public record TrackedRequestView(int id, int coroutineId, long offset, long bytes, String type, boolean serialising,
                                 long overlapOffset, long overlapBytes, int waitingFor) {
}
