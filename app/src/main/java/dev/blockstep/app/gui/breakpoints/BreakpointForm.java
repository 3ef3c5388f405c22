package dev.blockstep.app.gui.breakpoints;

import dev.blockstep.engine.block.TrackedRequestType;

/**
 * What the Breakpoints view's form holds, validated into a breakpoint. Cluster numbers are decimal or 0x hex;
 * a bad one gives one line naming the field and what was expected.
 */
public final class BreakpointForm {

    /** A breakpoint, or the one-line reason the form cannot make one. */
    public record Result(Breakpoint breakpoint, String error) {
        public boolean ok() {
            return breakpoint != null;
        }
    }

    private BreakpointForm() {
    }

    /** The tracked request types a condition can name, as the Request box offers them. */
    public static java.util.List<String> requestTypes() {
        return java.util.Arrays.stream(TrackedRequestType.values()).map(Enum::name).toList();
    }

    /**
     * @param request one of {@link #requestTypes()}, or null or empty for any
     * @param flag    one of {@link FlagCondition#all()}, or null for any flags
     */
    public static Result make(BreakpointKind kind, String coroutine, String request, String guest, String host,
                              FlagCondition flag) {
        if (kind == null || kind == BreakpointKind.STEP_NAME) {
            return new Result(null, "stop on: pick what the breakpoint stops on");
        }
        long g;
        long h;
        try {
            g = cluster(guest, "guest cluster");
            h = cluster(host, "host cluster");
        } catch (IllegalArgumentException e) {
            return new Result(null, e.getMessage());
        }
        TrackedRequestType type = request == null || request.isEmpty() ? null
                : java.util.Arrays.stream(TrackedRequestType.values()).filter(t -> t.name().equals(request))
                        .findFirst().orElse(null);
        if (type == null && request != null && !request.isEmpty()) {
            return new Result(null, "request: expected one of " + requestTypes() + ", got '" + request + "'");
        }
        BreakpointFilter f = new BreakpointFilter(coroutine, type, g, h, flag);
        if (kind == BreakpointKind.ANY_STEP && f.isEmpty()) {
            return new Result(null, "any step: give at least one condition, or every step would stop");
        }
        return new Result(Breakpoint.on(kind).where(f), null);
    }

    private static long cluster(String text, String field) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return -1;
        }
        try {
            long v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": expected a cluster number such as 5 or 0x5, got '" + t + "'");
        }
    }
}
