package dev.blockstep.trace;

import java.util.List;

/**
 * The serialisation fix: its setting when the workload starts and every step index where it flipped. A flip at
 * step k happens after k steps were taken and before step k runs, so k is in 1..N-1 for an N-step schedule
 * (a flip at 0 is the initial setting; one at N or later changes nothing). Flips are strictly increasing.
 */
public record FixSetting(boolean initial, List<Long> flips) {
    public FixSetting {
        flips = List.copyOf(flips);
    }

    public static FixSetting off() {
        return new FixSetting(false, List.of());
    }

    /** The setting in force while step {@code step} runs. */
    public boolean enabledAt(long step) {
        boolean on = initial;
        for (long flip : flips) {
            if (flip > step) {
                break;
            }
            on = !on;
        }
        return on;
    }
}
