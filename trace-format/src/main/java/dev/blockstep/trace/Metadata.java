package dev.blockstep.trace;

/**
 * Descriptive fields. {@code seed} and {@code policy} say how the schedule was produced (for example
 * {@code "random"} with seed 7, {@code "fifo"}, {@code "user"}, {@code "qemu-log"}); a trace without a schedule is
 * run by that policy. Any field may be null.
 */
public record Metadata(String title, String description, String createdBy, Long seed, String policy) {

    public static Metadata empty() {
        return new Metadata(null, null, null, null, null);
    }
}
