package dev.blockstep.engine.coroutine;

import dev.blockstep.engine.event.EngineEvent;
import java.util.ArrayList;
import java.util.List;

/** Collects what one step did, so the scheduler can turn it into an immutable {@code snapshot.Step}. */
public final class StepContext {
    private final Scheduler scheduler;
    private final Coroutine self;
    private String name = "";
    private String narration = "";
    private long guestOffset = -1;
    private long guestBytes;
    private long hostOffset = -1;
    private long hostBytes;
    private final List<EngineEvent> events = new ArrayList<>();

    StepContext(Scheduler scheduler, Coroutine self) {
        this.scheduler = scheduler;
        this.self = self;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public Coroutine self() {
        return self;
    }

    /** The step's stable name; a later call replaces an earlier one (the last decision names the step). */
    public StepContext name(String stepName) {
        this.name = stepName;
        return this;
    }

    public StepContext narrate(String sentence) {
        this.narration = sentence;
        return this;
    }

    public StepContext guest(long offset, long bytes) {
        this.guestOffset = offset;
        this.guestBytes = bytes;
        return this;
    }

    public StepContext host(long offset, long bytes) {
        this.hostOffset = offset;
        this.hostBytes = bytes;
        return this;
    }

    public void event(EngineEvent e) {
        events.add(e);
    }

    public String name() {
        return name;
    }

    public String narration() {
        return narration;
    }

    public long guestOffset() {
        return guestOffset;
    }

    public long guestBytes() {
        return guestBytes;
    }

    public long hostOffset() {
        return hostOffset;
    }

    public long hostBytes() {
        return hostBytes;
    }

    public List<EngineEvent> events() {
        return events;
    }
}
