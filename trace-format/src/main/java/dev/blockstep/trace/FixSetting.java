package dev.blockstep.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fix variant the workload starts with and every step index where it changed, by variant name (the engine
 * owns the set of variants and their meaning; the trace only carries names such as "patch"). A change at step k
 * happens after k steps were taken and before step k runs, so k is in 1..N-1 for an N-step schedule (a change at
 * 0 is the initial setting). Steps are strictly increasing.
 *
 * <p>Traces written before variants existed say {@code "initial": true|false} and list bare step indexes, each
 * toggling the fix; {@link #ofToggles} reads them as {@value #PATCH} and {@value #NONE}.
 */
public record FixSetting(String initial, List<Change> changes) {
    /** The variant of qemu 7.2 as released. */
    public static final String NONE = "none";
    /** The variant {@code fix: true} and {@code --fix} mean. */
    public static final String PATCH = "patch";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+\\-]*");

    /** From step {@code step} on, requests begin under {@code variant}. */
    public record Change(long step, String variant) {
        public Change {
            requireName(variant);
        }
    }

    public FixSetting {
        requireName(initial);
        changes = List.copyOf(changes);
    }

    /** The version-1 form: on means {@value #PATCH}, and each step index toggles between it and {@value #NONE}. */
    public static FixSetting ofToggles(boolean initial, List<Long> toggles) {
        List<Change> cs = new ArrayList<>();
        boolean on = initial;
        for (long t : toggles) {
            on = !on;
            cs.add(new Change(t, on ? PATCH : NONE));
        }
        return new FixSetting(initial ? PATCH : NONE, cs);
    }

    public static FixSetting off() {
        return of(NONE);
    }

    /** One variant from step 0 on, never changed. */
    public static FixSetting of(String variant) {
        return new FixSetting(variant, List.of());
    }

    /** Whether {@code s} is spelled as a variant name can be: lower case letters, digits, '+' and '-'. */
    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    private static void requireName(String s) {
        if (!isName(s)) {
            throw new IllegalArgumentException("expected a fix variant name (lower case letters, digits, '+' or "
                    + "'-'), got " + (s == null ? "none" : "\"" + s + "\""));
        }
    }

    /** The variant in force while step {@code step} runs. */
    public String variantAt(long step) {
        String v = initial;
        for (Change c : changes) {
            if (c.step() > step) {
                break;
            }
            v = c.variant();
        }
        return v;
    }
}
