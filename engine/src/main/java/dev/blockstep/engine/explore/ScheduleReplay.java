package dev.blockstep.engine.explore;

import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.trace.TraceNames;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.ScheduleEntry;
import java.util.ArrayList;
import java.util.List;

/** Reads a trace's step-level schedule back into the macro choices an explorer run replays. */
public final class ScheduleReplay {
    private ScheduleReplay() {
    }

    /**
     * @param names the trace's coroutine name of each command of {@code setup}, in order (null for none); a name
     *              resolves to the coroutine qemu-io's loop ran that command in, whatever the trace calls it
     * @throws ScenarioException when a step names an unknown coroutine or one that cannot run there
     */
    public static List<Integer> choices(ExploreSetup setup, List<String> names, List<ScheduleEntry> schedule,
                                        String file) throws ScenarioException {
        return choices(setup, names, null, schedule, file);
    }

    /** The same for a trace whose block job's coroutines the schedule names too ({@code job} null: none). */
    public static List<Integer> choices(ExploreSetup setup, List<String> names, JobCommand job,
                                        List<ScheduleEntry> schedule, String file) throws ScenarioException {
        TraceNames traceNames = new TraceNames(names, job);
        Engine e = setup.newEngine();
        List<Integer> choices = new ArrayList<>();
        for (int i = 0; i < schedule.size(); i++) {
            String name = schedule.get(i).chosen();
            int id = traceNames.id(e.commands(), e.scheduler(), e.scheduler().runnable(), name);
            if (id == -1) {
                throw new ScenarioException(file + ": schedule[" + i + "]: expected one of the trace's coroutines "
                        + traceNames.all() + ", got \"" + name + "\"");
            }
            List<Integer> runnable = e.scheduler().runnable();
            if (id < 0 || !runnable.contains(id)) {
                throw new ScenarioException(file + ": schedule[" + i + "]: " + name + " cannot run at this step; "
                        + "runnable " + traceNames.names(e.commands(), e.scheduler(), runnable));
            }
            if (e.scheduler().choiceOpen()) {
                choices.add(id);
            }
            e.step(id);
        }
        return choices;
    }
}
