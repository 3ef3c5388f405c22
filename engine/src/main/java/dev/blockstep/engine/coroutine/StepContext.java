package dev.blockstep.engine.coroutine;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.engine.snapshot.Touch;
import java.util.ArrayList;
import java.util.Arrays;
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
    /**
     * The resources touched, in first-touch order (which keeps the step's list deterministic), and whether each
     * was written. A step touches a handful of resources, so a linear scan beats hashing every record.
     */
    private Resource[] touched;
    private boolean[] written;
    private int touchCount;
    /** False when nothing will read the step's footprint and events (see {@link Scheduler#unobserved()}). */
    private final boolean recording;

    StepContext(Scheduler scheduler, Coroutine self, boolean recording) {
        this.scheduler = scheduler;
        this.self = self;
        this.recording = recording;
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
        if (recording) {
            events.add(e);
        }
    }

    /**
     * Declares that this step read ({@code write} false) or may have changed shared state. The primitives
     * (CoMutex, CoQueue wake-ups, TrackedRequests, the flush queue) and the driver and host file declare for
     * the step that runs them; a step only declares by hand what it touches outside them.
     */
    public StepContext touch(Resource r, boolean write) {
        if (!recording) {
            return this;
        }
        if (touched == null) {
            touched = new Resource[8];
            written = new boolean[8];
        }
        for (int i = 0; i < touchCount; i++) {
            // a counter's read and its addition stay apart: the read conflicts with another addition, the addition not
            if (touched[i].equals(r) && (written[i] == write || !(r instanceof Resource.Counter))) {
                written[i] |= write;
                return this;
            }
        }
        if (touchCount == touched.length) {
            touched = Arrays.copyOf(touched, touchCount * 2);
            written = Arrays.copyOf(written, touchCount * 2);
        }
        touched[touchCount] = r;
        written[touchCount++] = write;
        return this;
    }

    public StepContext writes(Resource r) {
        return touch(r, true);
    }

    /** What the step touched, each resource once. */
    public List<Touch> touches() {
        if (touchCount == 0) {
            return List.of();
        }
        Touch[] out = new Touch[touchCount];
        for (int i = 0; i < touchCount; i++) {
            out[i] = new Touch(touched[i], written[i]);
        }
        return List.of(out);
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
