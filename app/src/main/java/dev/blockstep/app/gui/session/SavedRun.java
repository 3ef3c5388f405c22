package dev.blockstep.app.gui.session;

import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import java.util.List;

/**
 * The metadata a trace saved from the debugger carries. The source's own description names its step count, fix
 * and outcome; once the user has flipped the fix, stepped another coroutine or saved before the end, those words
 * describe a different run, so the saved trace says what it holds instead.
 */
final class SavedRun {

    private SavedRun() {
    }

    static Trace describe(Trace source, Trace recorded, boolean finished) {
        if (sameRun(source, recorded)) {
            return recorded;
        }
        Metadata m = source.metadata() == null ? Metadata.empty() : source.metadata();
        String from = m.title() == null ? "a trace" : m.title();
        int steps = recorded.schedule().size();
        String title = (m.title() == null ? "saved run" : m.title()) + " (as stepped in blockstep, " + steps
                + " steps)";
        String description = "Saved from the blockstep debugger: the workload of " + from + ", " + steps + " steps"
                + (finished ? " to the end of the run" : " recorded; the run had not ended, and a replay goes on"
                + " under FIFO after the last recorded step") + "; " + fix(recorded.fix()) + ". Not checked when"
                + " saved: run blockstep run on this file for the check of its end.";
        Metadata saved = new Metadata(title, description, m.createdBy(), m.seed(), m.policy());
        return new Trace(recorded.formatVersion(), saved, recorded.image(), recorded.workload(), recorded.fix(),
                recorded.schedule(), recorded.checkpoints(), recorded.qemuLog(), recorded.producer(),
                recorded.node(), recorded.job());
    }

    /** Same choices, same fix: the source's description still tells the truth. */
    private static boolean sameRun(Trace source, Trace recorded) {
        return source.fix().equals(recorded.fix()) && coroutines(source.schedule()).equals(
                coroutines(recorded.schedule()));
    }

    private static List<String> coroutines(List<ScheduleEntry> schedule) {
        return schedule.stream().map(ScheduleEntry::chosen).toList();
    }

    private static String fix(FixSetting fix) {
        String start = "fix variant " + fix.initial() + " from step 0";
        if (fix.changes().isEmpty()) {
            return start;
        }
        return start + fix.changes().stream().map(c -> ", " + c.variant() + " from step " + c.step())
                .reduce("", String::concat);
    }
}
