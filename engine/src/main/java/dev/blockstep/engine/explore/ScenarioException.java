package dev.blockstep.engine.explore;

/** A scenario or trace file that cannot be used; the message is one line naming the file and the place. */
public final class ScenarioException extends Exception {
    public ScenarioException(String message) {
        super(message);
    }
}
