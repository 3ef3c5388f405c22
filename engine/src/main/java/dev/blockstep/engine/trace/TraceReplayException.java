package dev.blockstep.engine.trace;

/** A trace that cannot be run or replayed, as one line: the step (or the part of the trace) and why. */
public final class TraceReplayException extends Exception {
    public TraceReplayException(String message) {
        super(message);
    }
}
