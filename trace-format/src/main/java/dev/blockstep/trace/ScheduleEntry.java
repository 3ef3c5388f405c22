package dev.blockstep.trace;

import java.util.List;

/**
 * One step of a recorded schedule: which coroutine took the step, out of which runnable set, and optionally the
 * step's name and why that coroutine was chosen. A replay refuses to go on when its runnable set differs.
 *
 * @param chosen   coroutine that stepped; always a member of {@code runnable}
 * @param runnable coroutines that could have stepped, in the recorder's order, no duplicates
 * @param step     the step's name (a qemu trace-event or function name), or null
 * @param reason   why {@code chosen} was picked when it differs from metadata.policy (e.g. "user"), or null
 */
public record ScheduleEntry(String chosen, List<String> runnable, String step, String reason) {
    public ScheduleEntry {
        runnable = List.copyOf(runnable);
    }

    public static ScheduleEntry of(String chosen, String... runnable) {
        return new ScheduleEntry(chosen, List.of(runnable), null, null);
    }
}
