package dev.blockstep.trace;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * What a replay compares at each step: the engine's runnable set against the recorded one (as sets: the order of
 * a runnable list carries no meaning). The engine calls this before it takes step {@code step}; a non-null
 * answer is the one-line reason to stop.
 */
public final class ReplayCheck {

    private ReplayCheck() {
    }

    /** Null when the engine may take the recorded step, else why not. */
    public static String divergence(long step, ScheduleEntry recorded, Collection<String> engineRunnable) {
        if (recorded == null) {
            return "step " + step + ": the recorded schedule has ended, but the engine can still run "
                    + sorted(engineRunnable);
        }
        if (!new TreeSet<>(recorded.runnable()).equals(new TreeSet<>(engineRunnable))) {
            return "step " + step + ": the engine can run " + sorted(engineRunnable) + ", the trace recorded "
                    + sorted(recorded.runnable()) + " (and chose " + recorded.chosen() + ")";
        }
        return null;
    }

    private static List<String> sorted(Collection<String> names) {
        return List.copyOf(new TreeSet<>(names));
    }
}
