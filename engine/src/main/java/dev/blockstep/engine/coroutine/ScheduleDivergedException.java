package dev.blockstep.engine.coroutine;

/** A recorded schedule cannot be followed: the message names the step and the runnable set. */
public final class ScheduleDivergedException extends RuntimeException {
    public ScheduleDivergedException(String message) {
        super(message);
    }
}
