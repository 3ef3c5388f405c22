package dev.blockstep.engine.coroutine;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.Resource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * qemu's CoMutex: waiters queue in FIFO order and unlock hands ownership straight to the first waiter, so a
 * newcomer can never barge in ahead of a woken waiter. The woken waiter runs when the unlocker next yields.
 */
public final class CoMutex {
    private final String name;
    private Coroutine owner;
    private final Deque<Coroutine> waiters = new ArrayDeque<>();
    private final Resource resource;

    public CoMutex(String name) {
        this.name = name;
        this.resource = new Resource.Mutex(name);
    }

    public String name() {
        return name;
    }

    /**
     * Takes the mutex if free (qemu_co_mutex_lock_uncontended) and returns true. Otherwise queues the caller
     * (qemu_co_mutex_lock_entry) and returns false: the caller must then return {@link #blocked()}; when it
     * next runs, it owns the mutex (qemu_co_mutex_lock_return).
     */
    public boolean lock(StepContext cx) {
        Coroutine self = cx.self();
        cx.writes(resource);
        if (owner == self) {
            throw new IllegalStateException(self + " locks " + name + " which it already holds");
        }
        if (owner == null) {
            owner = self;
            cx.event(new EngineEvent.LockAcquired(self.id(), name, false));
            return true;
        }
        waiters.addLast(self);
        cx.event(new EngineEvent.LockContended(self.id(), name, owner.id()));
        return false;
    }

    /** The outcome a coroutine returns after a failed {@link #lock}. */
    public Outcome blocked() {
        return Outcome.blocked(CoState.WAITING_LOCK, name + " held by " + owner.name());
    }

    /** Releases the mutex; the first waiter, if any, becomes the owner and is woken. Returns it, or null. */
    public Coroutine unlock(StepContext cx) {
        Coroutine self = cx.self();
        cx.writes(resource);
        if (owner != self) {
            throw new IllegalStateException(self + " unlocks " + name + " owned by " + owner);
        }
        Coroutine next = waiters.pollFirst();
        owner = next;
        cx.event(new EngineEvent.LockReleased(self.id(), name, next == null ? -1 : next.id()));
        if (next != null) {
            cx.scheduler().wake(next);
        }
        return next;
    }

    /** Owner id, or -1. */
    public int ownerId() {
        return owner == null ? -1 : owner.id();
    }

    public boolean isOwnedBy(Coroutine co) {
        return owner == co;
    }

    /** Waiter ids in the order they will get the mutex. */
    public List<Integer> waiterIds() {
        return waiters.stream().map(Coroutine::id).toList();
    }
}
