package dev.blockstep.engine.snapshot;

import java.util.List;

/**
 * s->lock, the qcow2 CoMutex.
 *
 * @param owner              coroutine id holding it, or -1
 * @param waiters            coroutine ids queued, in FIFO order
 * @param droppedForDataIo   coroutines that hold an allocation decision but dropped the lock for data I/O
 */
public record LockView(int owner, List<Integer> waiters, List<Integer> droppedForDataIo) {
    public LockView {
        waiters = List.copyOf(waiters);
        droppedForDataIo = List.copyOf(droppedForDataIo);
    }
}
