package dev.blockstep.engine.coroutine;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.engine.snapshot.Touch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    /** Resource to whether it was written; insertion order keeps the step's list deterministic. */
    private final Map<Resource, Boolean> touches = new LinkedHashMap<>();

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

    /**
     * Declares that this step read ({@code write} false) or may have changed shared state. The primitives
     * (CoMutex, CoQueue wake-ups, TrackedRequests, the flush queue) and the driver and host file declare for
     * the step that runs them; a step only declares by hand what it touches outside them.
     */
    public StepContext touch(Resource r, boolean write) {
        touches.merge(r, write, Boolean::logicalOr);
        return this;
    }

    public StepContext writes(Resource r) {
        return touch(r, true);
    }

    /** What the step touched, each resource once. */
    public List<Touch> touches() {
        List<Touch> out = new ArrayList<>(touches.size());
        touches.forEach((r, w) -> out.add(new Touch(r, w)));
        return out;
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
