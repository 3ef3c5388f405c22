package dev.blockstep.engine.event;

/** Where the engine sends its events; the recorder, narration and tests each provide one. */
@FunctionalInterface
public interface EngineEventSink {

    /** Drops every event; for callers that only want the bytes. */
    EngineEventSink NONE = e -> { };

    void emit(EngineEvent event);
}
