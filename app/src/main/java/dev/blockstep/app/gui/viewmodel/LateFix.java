package dev.blockstep.app.gui.viewmodel;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Why a run can end CORRUPT with the fix switch ON: the fix gives BDRV_REQ_SERIALISING to a discard or
 * write-zeroes when it begins (bdrv_co_pdiscard, bdrv_co_pwritev_part), so one that began before the switch was
 * flipped keeps running unserialised. Read from the steps' own events, so it names what the engine did.
 */
public final class LateFix {

    private LateFix() {
    }

    /** A request that began unserialised before the fix was switched on. */
    public record Unserialised(String coroutine, String request, int beganAtStep) {
    }

    /**
     * The step at which the fix was last switched on, read from the steps' events (a flip shows as a
     * FixToggled event on the next step taken), or -1 when it was not switched on during the run.
     */
    public static int switchedOnAt(List<Step> steps) {
        int at = -1;
        for (Step s : steps) {
            for (EngineEvent e : s.events()) {
                if (e instanceof EngineEvent.FixToggled t) {
                    at = t.on() ? s.index() : -1;
                }
            }
        }
        return at;
    }

    /**
     * The discards and zero writes that began before step {@code switchedOn} without the flag; empty when the fix
     * is off now or {@code switchedOn} is negative (on from the start, or never switched on).
     */
    public static List<Unserialised> of(Snapshot snap, List<Step> steps, int switchedOn) {
        if (!snap.fixOn() || switchedOn < 0) {
            return List.of();
        }
        List<Unserialised> late = new ArrayList<>();
        for (int i = 0; i < switchedOn && i < steps.size(); i++) {
            for (EngineEvent e : steps.get(i).events()) {
                if (e instanceof EngineEvent.TrackedRequestBegin b) {
                    CoroutineView c = coroutine(snap, b.coroutine());
                    if (c != null && !c.serialising() && fixApplies(b, c)) {
                        late.add(new Unserialised(c.name(), c.request(), i + 1));
                    }
                }
            }
        }
        return late;
    }

    /** One sentence for the Check tab and the status bar, or empty when the fix is not late. */
    public static Optional<String> explain(Snapshot snap, List<Step> steps, int switchedOn) {
        List<Unserialised> late = of(snap, steps, switchedOn);
        if (late.isEmpty()) {
            return Optional.empty();
        }
        Unserialised u = late.get(0);
        return Optional.of("The fix is ON, but it was switched on at step " + switchedOn + ", after " + u.coroutine()
                + " (" + u.request() + ") began at step " + u.beganAtStep() + " without BDRV_REQ_SERIALISING."
                + " The flag is decided when a request begins, so switching the fix on later does not serialise "
                + u.coroutine() + " and the race can still happen: restart (Ctrl+F2) with the fix on to see it closed.");
    }

    /** The fix serialises discards and write-zeroes; the request text tells a zero write from a data write. */
    private static boolean fixApplies(EngineEvent.TrackedRequestBegin b, CoroutineView c) {
        if ("DISCARD".equals(b.type())) {
            return true;
        }
        String r = c.request().toLowerCase(Locale.ROOT);
        return "WRITE".equals(b.type()) && (r.contains(" -z") || r.contains("zero"));
    }

    private static CoroutineView coroutine(Snapshot snap, int id) {
        return snap.coroutines().stream().filter(c -> c.id() == id).findFirst().orElse(null);
    }
}
