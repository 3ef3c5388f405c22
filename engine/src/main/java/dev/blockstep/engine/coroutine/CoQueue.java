package dev.blockstep.engine.coroutine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** qemu's CoQueue: coroutines sleep on it and are woken in FIFO order. */
public final class CoQueue {
    private final Deque<Coroutine> waiters = new ArrayDeque<>();

    /** Queues the caller; the caller then returns a {@link Outcome.Blocked}. */
    public void queueWait(StepContext cx) {
        waiters.addLast(cx.self());
    }

    /** Wakes every waiter, oldest first; they run in that order once the caller yields. Returns how many. */
    public int restartAll(StepContext cx) {
        int n = waiters.size();
        while (!waiters.isEmpty()) {
            cx.scheduler().wake(waiters.pollFirst());
        }
        return n;
    }

    /** Wakes the oldest waiter; false when none waits. */
    public boolean restartNext(StepContext cx) {
        Coroutine c = waiters.pollFirst();
        if (c == null) {
            return false;
        }
        cx.scheduler().wake(c);
        return true;
    }

    public boolean isEmpty() {
        return waiters.isEmpty();
    }

    public List<Integer> waiterIds() {
        return waiters.stream().map(Coroutine::id).toList();
    }
}
