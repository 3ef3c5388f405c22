package dev.blockstep.engine.explore;

import dev.blockstep.engine.session.Engine;
import dev.blockstep.trace.ScheduleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a trace's step-level schedule back into the macro choices an explorer run replays. */
public final class ScheduleReplay {
    private ScheduleReplay() {
    }

    /**
     * @throws ScenarioException when a step names an unknown coroutine or one that cannot run there
     */
    public static List<Integer> choices(ExploreSetup setup, List<ScheduleEntry> schedule, String file)
            throws ScenarioException {
        Map<String, Integer> ids = new HashMap<>();
        ids.put("qemu-io", 0);
        ids.put(dev.blockstep.trace.Trace.MAIN_COROUTINE, 0);
        for (int id : setup.coroutineIds()) {
            if (id > 0) {
                ids.put(setup.coroutineName(id), id);
            }
        }
        Engine e = setup.newEngine();
        List<Integer> choices = new ArrayList<>();
        for (int i = 0; i < schedule.size(); i++) {
            String name = schedule.get(i).chosen();
            Integer id = ids.get(name);
            if (id == null) {
                throw new ScenarioException(file + ": schedule[" + i + "]: expected one of the engine's coroutines "
                        + ids.keySet().stream().sorted().toList() + ", got \"" + name + "\"");
            }
            if (!e.scheduler().runnable().contains(id)) {
                throw new ScenarioException(file + ": schedule[" + i + "]: " + name + " cannot run at this step; "
                        + "runnable " + e.scheduler().runnable().stream().map(setup::coroutineName).toList());
            }
            if (e.scheduler().choiceOpen()) {
                choices.add(id);
            }
            e.step(id);
        }
        return choices;
    }
}
