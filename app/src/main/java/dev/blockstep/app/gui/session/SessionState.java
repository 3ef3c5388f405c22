package dev.blockstep.app.gui.session;

import dev.blockstep.app.gui.breakpoints.BreakpointHit;
import dev.blockstep.app.gui.breakpoints.BreakpointSet;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.StepHistory;

/**
 * What every panel reads after a change: the engine's snapshot and what the session knows around it.
 *
 * @param title            what is loaded, e.g. "minimal-race"
 * @param snapshot         the engine's state after the current step
 * @param steps            the steps that led to it, oldest first (immutable: it never changes once handed out)
 * @param historyLength    steps known (the slider's range)
 * @param nextUnderPolicy  the coroutine the policy steps next, or -1
 * @param stepRevision     bumped whenever the snapshot changes
 * @param breakpoints      current breakpoints
 * @param breakpointsRevision bumped whenever breakpoints change
 * @param lastHit          the breakpoint that stopped the last run, or null
 * @param known            every step taken so far, past the current one too after going back ({@code steps}
 *                         is a prefix of it): the whole story a timeline keeps drawing
 */
public record SessionState(String title, Snapshot snapshot, StepHistory steps, int historyLength, int nextUnderPolicy,
                           long stepRevision, BreakpointSet breakpoints, long breakpointsRevision,
                           BreakpointHit lastHit, StepHistory known) {
}
