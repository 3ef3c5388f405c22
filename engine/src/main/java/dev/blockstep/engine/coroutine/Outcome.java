package dev.blockstep.engine.coroutine;

import dev.blockstep.engine.snapshot.CoState;

/**
 * What a coroutine's step says comes next. Only {@link Continue} keeps the CPU: qemu runs the next phase
 * without yielding, so no other coroutine may run in between.
 */
public sealed interface Outcome {

    /** The next phase follows without a yield (e.g. an uncontended lock); the scheduler must step this one again. */
    record Continue() implements Outcome { }

    /** The coroutine yielded but can step again at once (e.g. metadata I/O with the lock held). */
    record Yield() implements Outcome { }

    /** Data I/O was submitted; the next step is its completion. */
    record InDataIo() implements Outcome { }

    /** The coroutine sleeps until a primitive wakes it. */
    record Blocked(CoState why, String on) implements Outcome {
        public Blocked {
            if (why.canStep() || why == CoState.DONE) {
                throw new IllegalArgumentException("not a waiting state: " + why);
            }
        }
    }

    record Done() implements Outcome { }

    Outcome CONTINUE = new Continue();
    Outcome YIELD = new Yield();
    Outcome IN_DATA_IO = new InDataIo();
    Outcome DONE = new Done();

    static Outcome blocked(CoState why, String on) {
        return new Blocked(why, on);
    }
}
