package dev.blockstep.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The compact one-string form of a {@link ScheduleEntry}, so a 100k-step schedule stays a readable file of one
 * short line per step:
 * <pre>
 *   entry    := chosen [ " of " runnable ] [ " : " step ] [ " # " reason ]
 *   runnable := name { "," name }
 * </pre>
 * {@code "w0 of w0,z1 : qcow2_cluster_link_l2 # user"}; a bare {@code "w0"} means w0 was the only runnable
 * coroutine. Coroutine names match {@link #NAME}. The step is the engine's step name as it is (it may hold
 * spaces, e.g. {@code "bdrv_co_flush (file)"}) but not {@code " # "}, nor leading or trailing blanks; the reason
 * is free text to the end of the string.
 */
public final class ScheduleCodec {

    /** Coroutine names and step names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

    private ScheduleCodec() {
    }

    /** A step name the one-string form can carry. */
    public static boolean isStepName(String step) {
        return !step.isEmpty() && step.equals(step.strip()) && !step.contains(" # ") && !step.contains(" : ")
                && step.chars().noneMatch(ch -> ch < 0x20);
    }

    public static String encode(ScheduleEntry e) {
        if (e.step() != null && !isStepName(e.step())) {
            throw new IllegalArgumentException("step name \"" + e.step() + "\" cannot be written in a schedule");
        }
        StringBuilder sb = new StringBuilder(e.chosen());
        if (!(e.runnable().size() == 1 && e.runnable().get(0).equals(e.chosen()))) {
            sb.append(" of ").append(String.join(",", e.runnable()));
        }
        if (e.step() != null) {
            sb.append(" : ").append(e.step());
        }
        if (e.reason() != null) {
            sb.append(" # ").append(e.reason());
        }
        return sb.toString();
    }

    /** Parses one entry; throws {@link IllegalArgumentException} whose message says what was expected. */
    public static ScheduleEntry decode(String text) {
        String rest = text;
        String reason = null;
        int hash = rest.indexOf(" # ");
        if (hash >= 0) {
            reason = rest.substring(hash + 3);
            rest = rest.substring(0, hash);
            if (reason.isBlank()) {
                throw bad(text, "an empty reason after \" # \"");
            }
        }
        String step = null;
        int colon = rest.indexOf(" : ");
        if (colon >= 0) {
            step = rest.substring(colon + 3);
            rest = rest.substring(0, colon);
            if (!isStepName(step)) {
                throw bad(text, "a non-empty step name without \" # \", \" : \" or surrounding blanks");
            }
        }
        String chosen;
        List<String> runnable = new ArrayList<>();
        int of = rest.indexOf(" of ");
        if (of >= 0) {
            chosen = rest.substring(0, of);
            for (String name : rest.substring(of + 4).split(",", -1)) {
                if (!NAME.matcher(name).matches()) {
                    throw bad(text, "a comma-separated list of coroutine names after \" of \"");
                }
                if (runnable.contains(name)) {
                    throw new IllegalArgumentException("expected each runnable coroutine once, got " + name
                            + " twice in \"" + text + "\"");
                }
                runnable.add(name);
            }
        } else {
            chosen = rest;
            runnable.add(rest);
        }
        if (!NAME.matcher(chosen).matches()) {
            throw bad(text, "\"CHOSEN [of RUNNABLE,...] [: STEP] [# REASON]\"");
        }
        if (!runnable.contains(chosen)) {
            throw bad(text, "the chosen coroutine " + chosen + " in its runnable set");
        }
        return new ScheduleEntry(chosen, runnable, step, reason);
    }

    private static IllegalArgumentException bad(String text, String expected) {
        return new IllegalArgumentException("expected " + expected + ", got \"" + text + "\"");
    }
}
